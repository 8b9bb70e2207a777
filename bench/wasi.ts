// The three PVF ABIs side by side on the same adder chain: our Substrate-ABI adder through the
// engine, our wasi-p1 adder through the preview1 host and our component adder through the
// component host (jco glue). Each is measured in-process (no worker, no sandbox; every
// validation a fresh instance, as in a worker) and through one sealed worker of the validation
// host (8 jobs in flight for throughput; one at a time for latency). Ratios are in-process p50
// against the Substrate ABI.
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
import { ValidationHost } from '../src/host/validation-host.js';
import { exampleWasm } from './example-wasm.js';
import { testBundles } from '../test/support/worker-bundle.js';
import { wasiExample } from '../test/support/wasi-pvfs.js';
import {
  toolchainExample,
  toolchainExamplesUnavailable,
} from '../test/support/toolchain-examples.js';
import { percentiles, type Row, type Section } from './section.js';
import { memoryRows } from './wasi-memory.js';

const BLOCKS = 1000;
const WARM_UP = 200;
// In-process figures are steady state: a worker validates many blocks with one prepared PVF,
// and a component's glue (evaluated per prepared component) is new code for V8 to optimise —
// after 200 validations its p50 was still 1.4× its steady state, a wasi-p1 module's 1.8×.
const IN_PROCESS_WARM_UP = 3000;
const HOST_JOBS = 500;
const HOST_LATENCY_JOBS = 100;
const WINDOW = 8;

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
/** The candidate it replaced: jco's glue evaluated afresh for every validation. */
const componentFreshGlue: Prepared = (code) => {
  const p = prepareComponent(code, DEFAULT_EXECUTOR_PARAMS);
  if (p.kind !== 'prepared') throw new Error(p.message);
  const fresh = { ...p.prepared, glue: { ...p.prepared.glue, reusable: 'fresh' }, live: {} };
  return (params) => validateBlockComponent(fresh, params);
};

function measure(abi: string, code: Uint8Array, how: Prepared, blocks: Candidate[]): Row {
  const t0 = performance.now();
  const run = how(code);
  const prepareMs = performance.now() - t0;
  for (let i = 0; i < IN_PROCESS_WARM_UP; i++) run(blocks[i % 20]!.params);
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

/** Throughput and latency through one sealed worker. */
async function sealed(code: Uint8Array, blocks: Candidate[]): Promise<Row> {
  const b = await testBundles();
  const host = await ValidationHost.create({
    workers: 1,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
  });
  try {
    const one = async (i: number) => {
      const out = await host.validate({ code, params: blocks[i % blocks.length]!.params });
      if (out.kind !== 'valid') throw new Error(`sealed: ${out.kind}`);
    };
    for (let i = 0; i < WARM_UP; i++) await one(i);
    const t0 = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < HOST_JOBS; i++) {
      const p: Promise<void> = one(i).then(() => void inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= WINDOW) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const perSec = HOST_JOBS / ((performance.now() - t0) / 1000);
    const samples: number[] = [];
    for (let i = 0; i < HOST_LATENCY_JOBS; i++) {
      const s = performance.now();
      await one(i);
      samples.push(performance.now() - s);
    }
    const { p50 } = percentiles(samples);
    return { 'sealed validations/s': Math.round(perSec), 'sealed p50 µs': round(p50 * 1000) };
  } finally {
    await host.close();
  }
}

export const wasi: Section = {
  name: 'wasi',
  description:
    'the adder under each ABI: in-process (fresh instance per validation) and through one sealed ' +
    'worker; ratio = in-process p50 / Substrate ABI p50, vs wasi-p1 = / wasi-p1 p50. The ' +
    'component’s prepare includes loading jco’s bindgen (the first component in a process). ' +
    'Then the candidates measured: the component with jco’s glue evaluated afresh per ' +
    'validation (before), the real toolchains’ adders when built (C and Rust modules, and the C ' +
    'module wrapped with jco’s preview1 adapter), and memory recycling strategies at 2 and 17 pages.',
  async run() {
    const chain = new AdderChain();
    const blocks = Array.from({ length: BLOCKS }, () => chain.next());
    const abis = [
      ['substrate (engine)', exampleWasm('adder'), substrate],
      ['wasi-p1 (preview1 host)', await wasiExample('wasi-p1-adder'), wasiP1],
      ['component (jco glue)', await wasiExample('component-adder'), component],
    ] as const;
    const rows: Row[] = [];
    for (const [abi, code, how] of abis)
      rows.push({ ...measure(abi, code, how, blocks), ...(await sealed(code, blocks)) });
    const adder = await wasiExample('component-adder');
    rows.push(
      measure('component (glue per validation, before)', adder, componentFreshGlue, blocks),
    );
    // The real toolchains' builds (README "Writing a WASI PVF"), when they are built here:
    // clang's C and rustc's Rust modules, and the C module wrapped with jco's preview1 adapter.
    if (toolchainExamplesUnavailable() === undefined)
      for (const [name, how] of [
        ['c-adder', wasiP1],
        ['rust-adder', wasiP1],
        ['c-adder-component', component],
      ] as const)
        rows.push(measure(`toolchain ${name}`, toolchainExample(name), how, blocks));
    const base = rows[0]!['p50 µs'] as number;
    const p1 = rows[1]!['p50 µs'] as number;
    const out = rows.map((r) => ({
      ...r,
      ratio: round((r['p50 µs'] as number) / base),
      'vs wasi-p1': round((r['p50 µs'] as number) / p1),
    }));
    return [...out, ...memoryRows(await wasiExample('wasi-p1-adder'), blocks, IN_PROCESS_WARM_UP)];
  },
};
