// `--log-level`, `--log-format` and `--runtime-log-level` on the built `pvf`, through real
// sealed workers: the operator log and the PVF's own log lines reach stderr only when asked.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import { hex } from '../../support/fixtures.js';
import { CLI_BUILT, ROOT, runPvf } from './run-pvf.js';

const ADDER = join(ROOT, 'dist/examples/adder.wasm');
const HOST =
  existsSync(CLI_BUILT) && process.platform === 'linux' && existsSync(join(ROOT, 'dist/worker.js'));

const block = new AdderChain().next();
/** Params cut short: the example adder panics, logging the panic message through ext_logging_log. */
const TRUNCATED = hex(block.params.subarray(0, block.params.length - 1));
const validate = (...extra: string[]) =>
  runPvf(CLI_BUILT, ['validate', '--code', ADDER, '--params', TRUNCATED, ...extra], 30_000);

describe.runIf(HOST)('pvf log flags', () => {
  it('default: nothing on stderr for a healthy run (warn level, the PVF silent)', async () => {
    const r = await validate();
    expect(r.code).toBe(ExitCode.Invalid);
    expect(r.stderr).toBe('');
  });

  it('--log-level info --log-format json: one JSON line per event, pino-shaped', async () => {
    const r = await validate('--log-level', 'info', '--log-format', 'json');
    expect(r.code).toBe(ExitCode.Invalid);
    const lines = r.stderr
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 30, event: 'worker-sealed', worker: 0 }),
    );
    expect(lines.some((l) => l.event === 'runtime-log')).toBe(false);
  });

  it("--runtime-log-level error: the PVF's panic message as a runtime line", async () => {
    const r = await validate('--runtime-log-level', 'error');
    expect(r.code).toBe(ExitCode.Invalid);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.startsWith('pvf runtime error '))).toBe(true);
  });
});
