// `pvf example template` as a user runs it: real blocks built offline, validated through sealed
// workers, every outcome the expected one, one JSON document on stdout and nothing on stderr.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { HAVE_FIXTURES } from '../../support/fixtures.js';
import { CLI_SOURCE, ROOT, runPvf } from './run-pvf.js';

const BUILT = existsSync(join(ROOT, 'dist/worker.js'));

describe('pvf example template', () => {
  it.runIf(HAVE_FIXTURES && BUILT && process.platform === 'linux')(
    'validates a real block and its 7 broken siblings exactly as expected (--json)',
    async () => {
      const run = await runPvf(
        CLI_SOURCE,
        ['example', 'template', '--blocks', '1', '--transfers', '1', '--workers', '1', '--json'],
        120_000,
      );
      expect(run.code, run.stderr).toBe(ExitCode.Ok);
      expect(run.stderr).toBe('');
      expect(JSON.parse(run.stdout)).toMatchObject({
        pvf: 'template',
        blocks: 1,
        transfersPerBlock: 1,
        candidates: 8,
        valid: 1,
        rejectedAsExpected: 7,
        mismatches: [],
      });
    },
    150_000,
  );
});
