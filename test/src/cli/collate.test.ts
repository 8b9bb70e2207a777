// `pvf collate` then `pvf validate`, as a user runs them: real Asset Hub blocks written to files
// and validated in both input forms — the params, and the four parts with the PoV as a collator
// ships it (prefixed zstd frame; also one compressed by the zstd tool, when it is installed).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompressAs } from '../../../runtime/blob/code-blob.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { HAVE_FIXTURES } from '../../support/fixtures.js';
import { CLI_SOURCE, ROOT, runPvf, scratchDir } from './run-pvf.js';

const BUILT = existsSync(join(ROOT, 'dist/worker.js'));
const pvf = (...args: string[]) => runPvf(CLI_SOURCE, args, 120_000);
const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('pvf collate', () => {
  it('refuses an unknown parachain and a missing --out', async () => {
    const other = await pvf('collate', 'moonbase', '--out', '/tmp/x');
    expect(other.code).toBe(ExitCode.Usage);
    const noOut = await pvf('collate', 'asset-hub');
    expect(noOut.code).toBe(ExitCode.Usage);
    expect(noOut.stderr).toMatch(/--out/);
  });

  it('refuses --pad-state without a transfer to read the padded accounts, and past 10 MiB', async () => {
    const none = await pvf(
      'collate',
      'template',
      '--out',
      '/tmp/x',
      '--pad-state',
      '8',
      '--transfers',
      '0',
    );
    expect(none.code).toBe(ExitCode.Usage);
    expect(none.stderr).toBe('pvf: --pad-state needs --transfers of at least 1\n');
    const big = await pvf('collate', 'template', '--out', '/tmp/x', '--pad-state', '10241');
    expect(big.code).toBe(ExitCode.Usage);
    expect(big.stderr).toMatch(/--pad-state must be a whole number in \[0, 10240\]/);
  });

  it('refuses a missing source and one that is not a raw chain spec (exit 3)', async () => {
    const { file } = scratchDir('pvf-collate-src-');
    const missing = await pvf('example', 'asset-hub', '--source', '/nonexistent/spec.json');
    expect(missing.code).toBe(ExitCode.BadInput);
    expect(missing.stderr).toBe(
      'pvf: /nonexistent/spec.json is missing (set PVF_FIXTURES or give the file)\n',
    );
    const notSpec = file('spec.json', [...Buffer.from('{"genesis":{}}')]);
    const bad = await pvf('collate', 'asset-hub', '--out', '/tmp/unused', '--source', notSpec);
    expect(bad.code).toBe(ExitCode.BadInput);
    expect(bad.stderr).toMatch(/is not a raw chain spec \(no genesis\.raw\.top\)/);
  });

  it.runIf(HAVE_FIXTURES && BUILT && process.platform === 'linux')(
    'writes real blocks that pvf validate accepts as params and as a shipped PoV',
    async () => {
      const { dir } = scratchDir('pvf-collate-');
      const made = await pvf(
        'collate',
        'asset-hub',
        '--out',
        dir,
        '--blocks',
        '1',
        '--transfers',
        '2',
        '--negatives',
      );
      expect(made.code, made.stderr).toBe(ExitCode.Ok);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        candidates: { params: string; relayParentNumber?: number; expected: { kind: string } }[];
      };
      expect(manifest.candidates).toHaveLength(1 + 7);
      const code = join(dir, 'code.wasm');
      const byParams = await pvf(
        'validate',
        '--code',
        code,
        '--params',
        join(dir, '0001.params'),
        '--json',
      );
      expect(byParams.code, byParams.stderr).toBe(ExitCode.Ok);
      const result = JSON.parse(byParams.stdout) as { resultBytes: string };
      expect(result.resultBytes).toBe(
        `0x${readFileSync(join(dir, '0001.result')).toString('hex')}`,
      );

      const parts = (pov: string) =>
        pvf(
          'validate',
          '--code',
          code,
          '--parent-head',
          join(dir, '0001.parent-head'),
          '--block-data',
          pov,
          '--relay-parent-number',
          String(manifest.candidates[0]!.relayParentNumber),
          '--relay-parent-storage-root',
          join(dir, '0001.relay-root'),
          '--json',
        );
      const shipped = await parts(join(dir, '0001.pov'));
      expect(shipped.code, shipped.stderr).toBe(ExitCode.Ok);
      expect((JSON.parse(shipped.stdout) as { resultBytes: string }).resultBytes).toBe(
        result.resultBytes,
      );
      if (hasZstd) {
        // The same block data compressed for real, behind the same prefix.
        const pov = readFileSync(join(dir, '0001.pov'));
        const raw = join(dir, 'block-data.bin');
        const data = await decompressAs('pov', pov);
        if (data.kind !== 'ok') throw new Error('the shipped PoV did not decompress');
        writeFileSync(raw, data.bytes);
        execFileSync('zstd', ['-q', '-f', '-3', raw, '-o', `${raw}.zst`]);
        const compressed = Buffer.concat([pov.subarray(0, 8), readFileSync(`${raw}.zst`)]);
        expect(compressed.length).toBeLessThan(pov.length);
        writeFileSync(join(dir, 'real.pov'), compressed);
        const real = await parts(join(dir, 'real.pov'));
        expect(real.code, real.stderr).toBe(ExitCode.Ok);
      }

      const bad = await pvf(
        'validate',
        '--code',
        code,
        '--params',
        join(dir, '0001-seal-bit-flipped.params'),
      );
      expect(bad.code).toBe(ExitCode.Invalid);
      expect(bad.stdout).toMatch(/Invalid AuRa seal/);
    },
    180_000,
  );

  it.runIf(HAVE_FIXTURES && BUILT && process.platform === 'linux')(
    'with --pad-state, writes a MiB-sized PoV that pvf validate accepts as shipped',
    async () => {
      const { dir } = scratchDir('pvf-collate-pad-');
      const made = await pvf(
        'collate',
        'template',
        '--out',
        dir,
        '--blocks',
        '1',
        '--transfers',
        '1',
        '--pad-state',
        '1024',
      );
      expect(made.code, made.stderr).toBe(ExitCode.Ok);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        candidates: { relayParentNumber: number }[];
      };
      expect(readFileSync(join(dir, '0001.pov')).length).toBeGreaterThan(1024 * 1024);
      const shipped = await pvf(
        'validate',
        '--code',
        join(dir, 'code.wasm'),
        '--parent-head',
        join(dir, '0001.parent-head'),
        '--block-data',
        join(dir, '0001.pov'),
        '--relay-parent-number',
        String(manifest.candidates[0]!.relayParentNumber),
        '--relay-parent-storage-root',
        join(dir, '0001.relay-root'),
        '--json',
      );
      expect(shipped.code, shipped.stderr).toBe(ExitCode.Ok);
      expect((JSON.parse(shipped.stdout) as { resultBytes: string }).resultBytes).toBe(
        `0x${readFileSync(join(dir, '0001.result')).toString('hex')}`,
      );
    },
    180_000,
  );
});
