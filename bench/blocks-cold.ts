// The first validation of a real block after prepare against warm ones, per way of starting a
// worker, each in fresh processes (blocks-cold-child.ts) with the workers' `--single-threaded-gc`,
// in CPU time (process-cpu.ts) so that the figures survive a shared machine: V8's defaults without the host-function warm-up (workers
// before), with it, and with `--no-wasm-lazy-compilation` too (workers now, src/host/spawner.ts).
// Prepare's time is the cost side.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransferBlock } from '../src/collator/transfer-chain.js';
import type { Row } from './section.js';

const CONFIGS = [
  { label: 'V8 defaults, no host warm-up', flags: [], option: ['no-host-warmup'] },
  { label: 'V8 defaults + host warm-up', flags: [], option: [] },
  {
    label: '--no-wasm-lazy-compilation + host warm-up (workers)',
    flags: ['--no-wasm-lazy-compilation'],
    option: [],
  },
] as const;
const ROUNDS = 3;

const child = fileURLToPath(new URL('./blocks-cold-child.ts', import.meta.url));

interface Sample {
  prepareWallMs: number;
  prepareCpuMs: number;
  firstCpuMs: number;
  warmCpuMs: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function coldRows(name: string, wasm: Uint8Array, blocks: readonly TransferBlock[]): Row[] {
  const dir = mkdtempSync(join(tmpdir(), 'pvf-blocks-cold-'));
  try {
    const code = join(dir, 'code.wasm');
    writeFileSync(code, wasm);
    const rows: Row[] = [];
    for (const block of blocks) {
      const params = join(dir, `${block.number}.params`);
      writeFileSync(params, block.params);
      const samples = CONFIGS.map(() => [] as Sample[]);
      for (let round = 0; round < ROUNDS; round++)
        CONFIGS.forEach((c, i) => {
          const r = spawnSync(
            process.execPath,
            [
              '--single-threaded-gc',
              ...c.flags,
              '--import',
              'tsx',
              child,
              code,
              params,
              ...c.option,
            ],
            { stdio: ['ignore', 'pipe', 'inherit'] },
          );
          if (r.status !== 0) throw new Error(`blocks cold child failed (${c.label})`);
          samples[i]!.push(JSON.parse(r.stdout.toString('utf8')) as Sample);
        });
      CONFIGS.forEach((c, i) => {
        const med = (k: keyof Sample) =>
          samples[i]!.map((s) => s[k]).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
        rows.push({
          runtime: name,
          transfers: block.transfers,
          'start-up': c.label,
          'prepare wall ms': r2(med('prepareWallMs')),
          'prepare CPU ms': r2(med('prepareCpuMs')),
          'first CPU ms': r2(med('firstCpuMs')),
          'warm CPU ms': r2(med('warmCpuMs')),
          'first/warm': r2(med('firstCpuMs') / med('warmCpuMs')),
        });
      });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
