// The three PVF ABIs side by side, in-process (no worker, no sandbox): the same adder chain
// validated by our Substrate-ABI adder through the engine, our wasi-p1 adder through the
// preview1 host and our component adder through the component host (jco glue). Every
// validation is a fresh instance, as in a worker. Ratios are p50 against the Substrate ABI.
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import {
  DEFAULT_EXECUTOR_PARAMS,
  type EngineOutcome,
  prepare,
  validateBlock,
} from '../runtime/engine/index.js';
import { prepareComponent, validateBlockComponent } from '../runtime/wasi/component/pvf.js';
import { prepareWasiP1, validateBlockWasiP1 } from '../runtime/wasi/preview1/pvf.js';
import { exampleFromSource } from '../test/support/example-pvfs.js';
import { wasiExample } from '../test/support/wasi-pvfs.js';
import { percentiles, type Row, type Section } from './section.js';

const BLOCKS = 2000;
const WARM_UP = 200;

type Prepared = (code: Uint8Array) => (params: Uint8Array) => EngineOutcome;

const substrate: Prepared = (code) => {
  const p = prepare(code);
  if (p.kind !== 'prepared') throw new Error(p.message);
  return (params) => validateBlock(p.prepared, params);
};
const wasiP1: Prepared = (code) => {
  const p = prepareWasiP1(code, DEFAULT_EXECUTOR_PARAMS);
  if (p.kind !== 'prepared') throw new Error(p.message);
  return (params) => validateBlockWasiP1(p.prepared, params);
};
const component: Prepared = (code) => {
  const p = prepareComponent(code, DEFAULT_EXECUTOR_PARAMS);
  if (p.kind !== 'prepared') throw new Error(p.message);
  return (params) => validateBlockComponent(p.prepared, params);
};

function measure(abi: string, code: Uint8Array, how: Prepared, blocks: Candidate[]): Row {
  const t0 = performance.now();
  const run = how(code);
  const prepareMs = performance.now() - t0;
  for (let i = 0; i < WARM_UP; i++) run(blocks[i % 20]!.params);
  const samples: number[] = [];
  for (const c of blocks) {
    const start = performance.now();
    const out = run(c.params);
    samples.push(performance.now() - start);
    if (out.kind !== 'valid') throw new Error(`${abi} ${c.label}: ${out.kind}`);
  }
  const total = samples.reduce((a, b) => a + b, 0);
  const { p50, p99 } = percentiles(samples);
  return {
    abi,
    blocks: blocks.length,
    'code bytes': code.length,
    'prepare ms': round(prepareMs),
    'p50 µs': round(p50 * 1000),
    'p99 µs': round(p99 * 1000),
    'validations/s': Math.round((blocks.length / total) * 1000),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

export const wasi: Section = {
  name: 'wasi',
  description:
    'the adder under each ABI in-process (fresh instance per validation); ratio = p50 / Substrate ABI p50. ' +
    'The component’s prepare includes loading jco’s bindgen (first component in a process).',
  async run() {
    const chain = new AdderChain();
    const blocks = Array.from({ length: BLOCKS }, () => chain.next());
    const rows = [
      measure('substrate (engine)', await exampleFromSource('adder'), substrate, blocks),
      measure('wasi-p1 (preview1 host)', await wasiExample('wasi-p1-adder'), wasiP1, blocks),
      measure('component (jco glue)', await wasiExample('component-adder'), component, blocks),
    ];
    const base = rows[0]!['p50 µs'] as number;
    return rows.map((r) => ({ ...r, ratio: round((r['p50 µs'] as number) / base) }));
  },
};
