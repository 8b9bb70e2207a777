// The example PVFs in-process through the engine (no worker, no sandbox): per-validation time
// of our adder against Polkadot's adder blob on the same chain, and of the undying PVF at a few
// work settings. Each validation is a fresh instance, as in the host. Ratios are against our
// adder in the same run.
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import { UndyingChain, type UndyingWork } from '../src/examples/undying-chain.js';
import { prepare, validateBlock } from '../runtime/engine/index.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { exampleWasm } from './example-wasm.js';
import { percentiles, type Row, type Section } from './section.js';

const ADDER_BLOCKS = 1000;
const UNDYING_BLOCKS = 20;
const GRAVEYARD = 1024;
const UNDYING_WORK: readonly UndyingWork[] = [
  { tombstones: 1024, iterations: 1 },
  { tombstones: 1024, iterations: 16 },
  { tombstones: 1024, iterations: 256 },
];

function measure(label: string, code: Uint8Array, candidates: Candidate[]): Row {
  const t0 = performance.now();
  const prepared = prepare(code);
  const prepareMs = performance.now() - t0;
  if (prepared.kind !== 'prepared') throw new Error(`${label}: ${prepared.message}`);
  // Warm-up: V8 tiers the module and the engine's own code up on the first calls.
  for (let i = 0; i < 200; i++) validateBlock(prepared.prepared, candidates[i % 20]!.params);
  const samples: number[] = [];
  for (const c of candidates) {
    const start = performance.now();
    const out = validateBlock(prepared.prepared, c.params);
    samples.push(performance.now() - start);
    if (out.kind !== c.expected.kind) throw new Error(`${label} ${c.label}: got ${out.kind}`);
  }
  const total = samples.reduce((a, b) => a + b, 0);
  const { p50, p99 } = percentiles(samples);
  return {
    pvf: label,
    blocks: candidates.length,
    'prepare ms': round(prepareMs),
    'p50 µs': round(p50 * 1000),
    'p99 µs': round(p99 * 1000),
    'validations/s': Math.round((candidates.length / total) * 1000),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

function chain(make: () => Candidate, n: number): Candidate[] {
  return Array.from({ length: n }, make);
}

export const examples: Section = {
  name: 'examples',
  description:
    'example PVFs in-process (engine only, fresh instance per validation); ratio = p50 / our adder p50',
  async run() {
    const adderChain = new AdderChain();
    const adderBlocks = chain(() => adderChain.next(), ADDER_BLOCKS);
    const rows = [measure('adder (ours, AssemblyScript)', exampleWasm('adder'), adderBlocks)];
    if (HAVE_FIXTURES)
      rows.push(measure('adder (reference blob, Rust)', fixture('pvf/adder.wasm'), adderBlocks));
    const undying = exampleWasm('undying');
    for (const work of UNDYING_WORK) {
      const c = new UndyingChain({ graveyardSize: GRAVEYARD, work });
      const label = `undying ${GRAVEYARD} graves, ${work.tombstones} × ${work.iterations}`;
      rows.push(
        measure(
          label,
          undying,
          chain(() => c.next(), UNDYING_BLOCKS),
        ),
      );
    }
    const base = rows[0]!['p50 µs'] as number;
    return rows.map((r) => ({ ...r, ratio: round((r['p50 µs'] as number) / base) }));
  },
};
