// What a fresh instance costs in garbage collection, in-process: our adder, whose memory the
// engine recycles (it never grows it), against Polkadot's adder blob, whose allocator grows
// its memory on every call, so every call needs a new WebAssembly.Memory (a grown memory cannot
// be handed to the next instance: `memory.size` would differ). V8 counts each memory's bytes
// as external memory and starts a full collection about every 64 MiB of them; the figures are
// V8's own (perf_hooks 'gc' entries: main-thread pause per collection).
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { prepare, validateBlock } from '../runtime/engine/index.js';
import { AdderChain } from '../src/examples/adder-chain.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { exampleWasm } from './example-wasm.js';
import { percentiles, type Row } from './section.js';

const CALLS = 6000;

interface GcTally {
  major: number;
  minor: number;
  ms: number;
}

async function measure(label: string, code: Uint8Array): Promise<Row> {
  const p = prepare(code);
  if (p.kind !== 'prepared') throw new Error(`${label}: ${p.message}`);
  const chain = new AdderChain();
  const params = Array.from({ length: 1000 }, () => chain.next().params);
  for (let i = 0; i < 300; i++) validateBlock(p.prepared, params[i % params.length]!);
  const tally: GcTally = { major: 0, minor: 0, ms: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) tally.major++;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) tally.minor++;
      tally.ms += e.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const s = performance.now();
    if (validateBlock(p.prepared, params[i % params.length]!).kind !== 'valid')
      throw new Error(`${label}: not valid`);
    samples.push(performance.now() - s);
  }
  const elapsed = performance.now() - t0;
  // Entries are delivered on a later turn of the event loop.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  const { p50, p99 } = percentiles(samples);
  return {
    case: `GC: ${label}, ${CALLS} validations`,
    'per second': Math.round(CALLS / (elapsed / 1000)),
    'p50 µs': Math.round(p50 * 10000) / 10,
    'p99 µs': Math.round(p99 * 10000) / 10,
    'full GCs per 1000': Math.round((tally.major * 1000) / CALLS),
    'minor GCs per 1000': Math.round((tally.minor * 1000) / CALLS),
    'GC pause µs per validation': Math.round((tally.ms * 10000) / CALLS) / 10,
    'heap MB': Math.round(process.memoryUsage().heapUsed / 1e5) / 10,
  };
}

export async function gcRows(): Promise<Row[]> {
  const rows = [await measure('our adder (memory recycled)', exampleWasm('adder'))];
  if (HAVE_FIXTURES)
    rows.push(
      await measure(
        "Polkadot's adder (grows memory: a new one per call)",
        fixture('pvf/adder.wasm'),
      ),
    );
  return rows;
}
