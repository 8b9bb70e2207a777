// The validation host against the bare engine and the peer, side by side in one run:
//   bare   — prepare once, then validateBlock in this process (no worker, no sandbox);
//   host/1 — ValidationHost with 1 sealed worker; host/N — with the default worker count;
//   peer   — @acala-network/chopsticks-executor (smoldot's executor compiled to wasm).
// Throughput: `JOBS` validations with a window of jobs in flight; latency: p50/p99 of one job
// at a time (submit → outcome), so queueing does not inflate it. Every outcome is checked.
// The peer cannot run a bare PVF: its run_task always calls `Core_version` first (the adder
// has none: "Function to start was not found"), and it compiles the code on every task; it is
// compared on what it can run, a `Core_version` runtime call, against `host.call`.
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import { UndyingChain } from '../src/examples/undying-chain.js';
import { DEFAULT_HOST_OPTIONS } from '../src/host/options.js';
import { ValidationHost } from '../src/host/validation-host.js';
import { callExport, prepare, validateBlock } from '../runtime/engine/index.js';
import { decompressCode } from '../runtime/blob/code-blob.js';
import { exampleFromSource } from '../test/support/example-pvfs.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { testBundles } from '../test/support/worker-bundle.js';
import { percentiles, type Row, type Section } from './section.js';

const LATENCY_JOBS = 300;
const WINDOW_PER_WORKER = 8;

interface Workload {
  readonly label: string;
  readonly code: Uint8Array;
  readonly candidates: readonly Candidate[];
  /** Throughput jobs (cycled over the candidates). */
  readonly jobs: number;
}

const round = (x: number) => Math.round(x * 100) / 100;

function bare(w: Workload): { perSec: number; p50: number; p99: number } {
  const p = prepare(w.code);
  if (p.kind !== 'prepared') throw new Error(`${w.label}: ${p.message}`);
  const run = (c: Candidate) => {
    const out = validateBlock(p.prepared, c.params);
    if (out.kind !== c.expected.kind)
      throw new Error(`${w.label} ${c.label}: bare got ${out.kind}`);
  };
  for (let i = 0; i < Math.min(200, w.jobs); i++) run(w.candidates[i % w.candidates.length]!);
  const t0 = performance.now();
  for (let i = 0; i < w.jobs; i++) run(w.candidates[i % w.candidates.length]!);
  const perSec = w.jobs / ((performance.now() - t0) / 1000);
  const samples: number[] = [];
  for (let i = 0; i < Math.min(LATENCY_JOBS, w.jobs); i++) {
    const s = performance.now();
    run(w.candidates[i % w.candidates.length]!);
    samples.push(performance.now() - s);
  }
  return { perSec, ...percentiles(samples) };
}

async function hosted(
  w: Workload,
  workers: number,
): Promise<{ perSec: number; p50: number; p99: number }> {
  const b = await testBundles();
  const host = await ValidationHost.create({
    workers,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
  });
  try {
    const one = async (c: Candidate) => {
      const out = await host.validate({ code: w.code, params: c.params });
      if (out.kind !== c.expected.kind)
        throw new Error(`${w.label} ${c.label}: host got ${out.kind}`);
    };
    // Warm every worker (compile + V8 tier-up) before measuring.
    await Promise.all(
      Array.from({ length: Math.min(200, w.jobs) }, (_, i) =>
        one(w.candidates[i % w.candidates.length]!),
      ),
    );
    const t0 = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < w.jobs; i++) {
      const p: Promise<void> = one(w.candidates[i % w.candidates.length]!).then(
        () => void inFlight.delete(p),
      );
      inFlight.add(p);
      if (inFlight.size >= workers * WINDOW_PER_WORKER) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const perSec = w.jobs / ((performance.now() - t0) / 1000);
    const samples: number[] = [];
    for (let i = 0; i < Math.min(LATENCY_JOBS, w.jobs); i++) {
      const s = performance.now();
      await one(w.candidates[i % w.candidates.length]!);
      samples.push(performance.now() - s);
    }
    return { perSec, ...percentiles(samples) };
  } finally {
    await host.close();
  }
}

function row(
  what: string,
  how: string,
  m: { perSec: number; p50: number; p99: number },
  base: number,
): Row {
  return {
    workload: what,
    executor: how,
    'validations/s': Math.round(m.perSec),
    'p50 µs': round(m.p50 * 1000),
    'p99 µs': round(m.p99 * 1000),
    'vs bare': round(m.perSec / base),
  };
}

async function peerCoreVersion(
  code: Uint8Array,
  calls: number,
): Promise<{ perSec: number; p50: number; p99: number }> {
  const ex = await import('@acala-network/chopsticks-executor');
  const js = {
    getStorage: async () => undefined,
    getNextKey: async () => undefined,
    offchainGetStorage: async () => undefined,
    offchainTimestamp: async () => 0,
    offchainRandomSeed: async () => '0x' as const,
    offchainSubmitTransaction: async () => false,
  };
  const wasm = `0x${Buffer.from(code).toString('hex')}`;
  let id = 0;
  const once = async () => {
    const r = await ex.run_task(
      {
        id: ++id,
        wasm,
        calls: [['Core_version', ['0x']]],
        mockSignatureHost: 0,
        allowUnresolvedImports: true,
        runtimeLogLevel: 0,
        storageProofSize: 0,
      },
      js,
    );
    if (!('Call' in r)) throw new Error(`peer: ${JSON.stringify(r).slice(0, 200)}`);
  };
  await once();
  const samples: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    await once();
    samples.push(performance.now() - s);
  }
  return { perSec: calls / ((performance.now() - t0) / 1000), ...percentiles(samples) };
}

async function coreVersionRows(): Promise<Row[]> {
  const blob = fixture('pvf/template-parachain.compact.compressed.wasm');
  const wasm = await decompressCode(blob);
  if (wasm.kind !== 'ok') throw new Error('template runtime did not decompress');
  const p = prepare(wasm.bytes);
  if (p.kind !== 'prepared') throw new Error(p.message);
  const calls = 50;
  const bareSamples: number[] = [];
  callExport(p.prepared, 'Core_version', new Uint8Array());
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    if (callExport(p.prepared, 'Core_version', new Uint8Array()).kind !== 'returned')
      throw new Error('bare Core_version');
    bareSamples.push(performance.now() - s);
  }
  const bareM = { perSec: calls / ((performance.now() - t0) / 1000), ...percentiles(bareSamples) };
  const b = await testBundles();
  const host = await ValidationHost.create({
    workers: 1,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
  });
  let hostM;
  try {
    await host.call({ code: blob, fn: 'Core_version' });
    const samples: number[] = [];
    const t1 = performance.now();
    for (let i = 0; i < calls; i++) {
      const s = performance.now();
      if ((await host.call({ code: blob, fn: 'Core_version' })).kind !== 'returned')
        throw new Error('host Core_version');
      samples.push(performance.now() - s);
    }
    hostM = { perSec: calls / ((performance.now() - t1) / 1000), ...percentiles(samples) };
  } finally {
    await host.close();
  }
  const peerM = await peerCoreVersion(blob, 10);
  const what = 'Core_version, template-parachain';
  return [
    row(what, 'bare engine', bareM, bareM.perSec),
    row(what, 'host, 1 worker', hostM, bareM.perSec),
    {
      ...row(what, 'peer (chopsticks-executor)', peerM, bareM.perSec),
      'host/peer': round(hostM.perSec / peerM.perSec),
    },
  ];
}

export const host: Section = {
  name: 'host',
  description:
    'sealed validation host vs bare in-process engine vs chopsticks-executor; vs bare = throughput / bare throughput',
  async run() {
    const workloads: Workload[] = [];
    if (HAVE_FIXTURES) {
      const chain = new AdderChain();
      workloads.push({
        label: 'adder (reference blob)',
        code: fixture('pvf/adder.wasm'),
        candidates: Array.from({ length: 2000 }, () => chain.next()),
        jobs: 20_000,
      });
    }
    const undying = new UndyingChain({
      graveyardSize: 1024,
      work: { tombstones: 1024, iterations: 256 },
    });
    workloads.push({
      label: 'undying 1024 × 256 (heavy)',
      code: await exampleFromSource('undying'),
      candidates: Array.from({ length: 40 }, () => undying.next()),
      jobs: 200,
    });
    const n = DEFAULT_HOST_OPTIONS.workers;
    const rows: Row[] = [];
    for (const w of workloads) {
      const b = bare(w);
      rows.push(row(w.label, 'bare engine', b, b.perSec));
      rows.push(row(w.label, 'host, 1 worker', await hosted(w, 1), b.perSec));
      if (n > 1) rows.push(row(w.label, `host, ${n} workers`, await hosted(w, n), b.perSec));
    }
    if (HAVE_FIXTURES) rows.push(...(await coreVersionRows()));
    return rows;
  },
};
