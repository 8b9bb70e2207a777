// Cold vs warm: the first call after prepare against warm calls, under V8 flag sets that move
// wasm compilation to prepare time (Polkadot's prepare produces fully optimized code; V8 by
// default compiles each function lazily with Liftoff on first call, then tiers hot ones up to
// TurboFan in the background). Each measurement runs in a fresh process (cold-start-child.ts).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HAVE_FIXTURES } from '../test/support/fixtures.js';
import type { Row, Section } from './section.js';

export const FLAG_SETS: readonly (readonly string[])[] = [
  [],
  ['--no-wasm-lazy-compilation'],
  ['--no-wasm-dynamic-tiering'],
  ['--no-liftoff'],
  ['--no-liftoff', '--no-wasm-lazy-compilation'],
];

const WORKLOADS = [
  {
    file: 'pvf/moonbase-4300.compact.compressed.wasm',
    fn: 'Core_version',
    label: 'moonbase (13.5 MB) Core_version',
  },
  { file: 'undying', fn: 'validate_block', label: 'undying validate_block, 1024 × 64' },
  { file: 'pvf/adder.wasm', fn: 'validate_block', label: "Polkadot's adder validate_block" },
] as const;

const child = fileURLToPath(new URL('./cold-start-child.ts', import.meta.url));

function once(
  flags: readonly string[],
  file: string,
  fn: string,
): { prepareMs: number; firstMs: number; warmMs: number } {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', child, file, fn], {
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`cold-start child failed (${flags.join(' ')})`);
  return JSON.parse(r.stdout.toString('utf8')) as {
    prepareMs: number;
    firstMs: number;
    warmMs: number;
  };
}

const ms = (x: number) => Math.round(x * 100) / 100;

export const coldStart: Section = {
  name: 'cold-start',
  description:
    'first call after prepare vs warm calls (median of the second half of up to 200), each flag set in fresh processes, medians of 3 runs interleaved across flag sets',
  async run() {
    if (!HAVE_FIXTURES) return [{ case: 'skipped: fixtures absent' }];
    const rows: Row[] = [];
    for (const w of WORKLOADS) {
      const samples = FLAG_SETS.map(
        () => [] as { prepareMs: number; firstMs: number; warmMs: number }[],
      );
      for (let round = 0; round < 3; round++)
        FLAG_SETS.forEach((flags, i) => samples[i]!.push(once(flags, w.file, w.fn)));
      FLAG_SETS.forEach((flags, i) => {
        const med = (k: 'prepareMs' | 'firstMs' | 'warmMs') =>
          samples[i]!.map((s) => s[k]).sort((a, b) => a - b)[1]!;
        rows.push({
          case: `${w.label}, ${flags.length === 0 ? 'default flags' : flags.join(' ')}`,
          'prepare ms': ms(med('prepareMs')),
          'first call ms': ms(med('firstMs')),
          'warm call ms': ms(med('warmMs')),
          'first / warm': ms(med('firstMs') / med('warmMs')),
        });
      });
    }
    return rows;
  },
};
