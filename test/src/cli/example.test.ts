// `pvf example adder` as a user runs it: a real process, its exit code and its report. The full
// run needs the build's worker bundle and example PVFs (CI builds before testing); the usage
// errors need nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { exampleCodePath } from '../../../src/examples/code.js';
import { CLI_SOURCE, ROOT, runPvf } from './run-pvf.js';

const BUILT =
  existsSync(join(ROOT, 'dist/worker.js')) && existsSync(join(ROOT, exampleCodePath('adder')));

const pvf = (...args: string[]) => runPvf(CLI_SOURCE, args, 120_000);

describe('pvf example', () => {
  it('refuses a block count out of range and an unknown example', async () => {
    const zero = await pvf('example', 'adder', '--blocks', '0');
    expect(zero.code).toBe(ExitCode.Usage);
    expect(zero.stderr).toBe('pvf: --blocks must be a whole number in [1, 1000000], got "0"\n');
    const other = await pvf('example', 'halt');
    expect(other.code).toBe(ExitCode.Usage);
    expect(other.stderr).toMatch(/Allowed choices are adder/);
  });

  it.runIf(BUILT && process.platform === 'linux')(
    'validates 20 blocks and the 6 deliberate ones exactly as expected (--json)',
    async () => {
      const run = await pvf('example', 'adder', '--blocks', '20', '--workers', '2', '--json');
      expect(run.code).toBe(ExitCode.Ok);
      const report = JSON.parse(run.stdout) as Record<string, unknown>;
      expect(report).toMatchObject({
        pvf: 'adder',
        blocks: 20,
        workers: 2,
        candidates: 26,
        valid: 20,
        rejectedAsExpected: 6,
        mismatches: [],
      });
      const sandbox = report.sandbox as { verdict: { kind: string } };
      expect(['secure', 'degraded']).toContain(sandbox.verdict.kind);
      expect(run.stderr).toBe('');
    },
  );

  it.runIf(BUILT && process.platform === 'linux')(
    'prints a summary and plain progress lines when not on a terminal',
    async () => {
      const run = await pvf('example', 'adder', '--blocks', '30', '--workers', '1');
      expect(run.code).toBe(ExitCode.Ok);
      expect(run.stdout).toMatch(/^adder: 36 candidates through 1 sealed worker\(s\)/);
      expect(run.stdout).toMatch(/valid blocks +30 \/ 30 with the expected result bytes/);
      expect(run.stdout).toMatch(/invalid blocks +6 \/ 6 rejected with the expected panic/);
      expect(run.stdout).toMatch(/sandbox +(secure|degraded): seccomp network filter/);
      expect(run.stderr.trim().split('\n').at(-1)).toBe('validated 36/36');
    },
  );
});
