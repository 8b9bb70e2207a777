// The micro path: the fixed cost of one validation of a tiny PVF against the guest's own work,
// side by side (× = fixed ÷ work), with the standby instance (runtime/engine/standby.ts) off and
// on in interleaved rounds of the same run.
//   work  — the guest's `validate_block` alone: the call on an instance that already ran it
//           once, params in place (no instantiation, no fresh memory, no host-side checks);
//   whole — `validateBlock` back to back in this process: mean wall time per validation,
//           garbage collection included (amortized: it comes every few dozen validations);
//   fixed — whole − work.
// "standby on" makes the next instance between calls, outside the timed call, as a worker does
// while it waits for the next request; its own cost is the `standby µs` column (it moves, it is
// not saved). The sealed-worker rows (micro-worker.ts) take the same comparison through a
// worker process.
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { prepare, validateBlock, type PreparedModule } from '../runtime/engine/index.js';
import { makeStandby } from '../runtime/engine/standby.js';
import { AdderChain } from '../src/examples/adder-chain.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { exampleWasm } from './example-wasm.js';
import { percentiles, type Row, type Section } from './section.js';

const ROUNDS = 5;
const PER_ROUND = 2000;
const BLOCKS = 1000;

const us = (ms: number) => Math.round(ms * 10000) / 10;
const median = (xs: number[]) => percentiles([...xs]).p50;

/** Median µs of the guest's `validate_block` alone, on one instance, `n` calls. */
function guestWork(prepared: PreparedModule, params: Uint8Array[], n: number): number {
  const { initial, maximum } = prepared.memoryImport;
  prepared.memoryState.next = new WebAssembly.Memory({ initial, maximum });
  const inst = new WebAssembly.Instance(prepared.module, prepared.imports);
  const memory = inst.exports.memory as WebAssembly.Memory;
  const at = (inst.exports.__heap_base as WebAssembly.Global).value as number;
  const entry = inst.exports.validate_block as (ptr: number, len: number) => bigint;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = params[i % params.length]!;
    new Uint8Array(memory.buffer).set(p, at);
    const t = performance.now();
    entry(at, p.length);
    samples.push(performance.now() - t);
  }
  return median(samples.slice(n >> 1)) * 1000;
}

interface Tally {
  wholeMs: number[];
  standbyMs: number;
  gcMs: number;
  majors: number;
  calls: number;
}

function gcObserver(into: () => Tally | undefined): PerformanceObserver {
  const o = new PerformanceObserver((list) => {
    const t = into();
    if (t === undefined) return;
    for (const e of list.getEntries()) {
      t.gcMs += e.duration;
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) t.majors++;
    }
  });
  o.observe({ entryTypes: ['gc'] });
  return o;
}

async function measure(label: string, code: Uint8Array): Promise<Row[]> {
  const p = prepare(code);
  if (p.kind !== 'prepared') throw new Error(`${label}: ${p.message}`);
  const prepared = p.prepared;
  const chain = new AdderChain();
  const params = Array.from({ length: BLOCKS }, () => chain.next().params);
  for (let i = 0; i < 1000; i++) validateBlock(prepared, params[i % BLOCKS]!);
  const work = guestWork(prepared, params, 4000);
  const modes = { off: fresh(), on: fresh() };
  let current: Tally | undefined;
  const observer = gcObserver(() => current);
  for (let r = 0; r < ROUNDS; r++)
    for (const [mode, t] of Object.entries(modes)) {
      // GC entries arrive on a later turn: give the previous round's theirs before switching.
      await new Promise((resolve) => setTimeout(resolve, 20));
      current = t;
      for (let i = 0; i < PER_ROUND; i++) {
        if (mode === 'on') {
          const s = performance.now();
          makeStandby(prepared);
          t.standbyMs += performance.now() - s;
        }
        const s = performance.now();
        if (validateBlock(prepared, params[i % BLOCKS]!).kind !== 'valid')
          throw new Error(`${label}: not valid`);
        t.wholeMs.push(performance.now() - s);
      }
      t.calls += PER_ROUND;
    }
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return Object.entries(modes).map(([mode, t]) => {
    const mean = (t.wholeMs.reduce((a, b) => a + b, 0) / t.calls) * 1000;
    const { p50 } = percentiles(t.wholeMs);
    return {
      case: `in-process: ${label}, standby ${mode}`,
      'work µs': Math.round(work * 10) / 10,
      'whole mean µs': Math.round(mean * 10) / 10,
      'whole p50 µs': us(p50),
      'fixed mean µs': Math.round((mean - work) * 10) / 10,
      'fixed × work (mean)': Math.round(((mean - work) / work) * 10) / 10,
      'fixed × work (p50)': Math.round(((p50 * 1000 - work) / work) * 10) / 10,
      'GC µs per validation': us(t.gcMs / t.calls),
      'full GCs per 1000': Math.round((t.majors * 1000) / t.calls),
      'standby µs': mode === 'on' ? us(t.standbyMs / t.calls) : '',
    };
  });
}

function fresh(): Tally {
  return { wholeMs: [], standbyMs: 0, gcMs: 0, majors: 0, calls: 0 };
}

export const micro: Section = {
  name: 'micro',
  description: `fixed cost per validation vs the guest's own work (×), Polkadot's adder and ours; standby instance off/on in ${ROUNDS} interleaved rounds in-process, then through one sealed worker (idle work off/on)`,
  async run() {
    const rows: Row[] = [];
    if (HAVE_FIXTURES) rows.push(...(await measure("Polkadot's adder", fixture('pvf/adder.wasm'))));
    rows.push(...(await measure('our adder', exampleWasm('adder'))));
    // Imported only now: the host and the bundler it loads would enlarge this process's heap,
    // and with it every full collection the in-process rows pay for.
    const { workerRows } = await import('./micro-worker.js');
    rows.push(...(await workerRows()));
    return rows;
  },
};
