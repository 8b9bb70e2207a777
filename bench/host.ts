// The hot path side by side, in one run and one process tree, on the same inputs:
//   bare    — the engine in this process: prepare once, then validateBlock (no worker, no
//             sandbox, no protocol);
//   host 1  — a ValidationHost with 1 sealed worker; host N — with the default worker count;
//   peer    — @acala-network/chopsticks-executor (smoldot's executor compiled to wasm).
// Workloads: Polkadot's adder (a few µs of guest code: the cost of the path itself), the undying
// PVF at 1024 × 256 (ms of guest code per validation), and a Core_version call on a Cumulus
// runtime. The peer cannot run a bare PVF: its run_task always calls `Core_version` first (the
// adder and undying have none: "Function to start was not found") and it compiles the code on
// every task, so it is compared on the Core_version call, which both can run.
// Throughput: the median of interleaved rounds (bare, host 1, host N, bare, …), the hosts with
// 16 jobs per worker in flight; latency: p50/p99 of one job at a time. Every outcome is checked.
import { cpus, loadavg } from 'node:os';
import { decompressCode } from '../runtime/blob/code-blob.js';
import { callExport, prepare, validateBlock } from '../runtime/engine/index.js';
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import { UndyingChain } from '../src/examples/undying-chain.js';
import { DEFAULT_HOST_OPTIONS } from '../src/host/options.js';
import { ValidationHost } from '../src/host/validation-host.js';
import { exampleWasm } from './example-wasm.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { testBundles } from '../test/support/worker-bundle.js';
import { cycleRows, isolationRows } from './host-isolation.js';
import { type Row, type Section } from './section.js';
import { type Job, type Measured, Meter } from './side-by-side.js';

const ROUNDS = 3;
const WINDOW_PER_WORKER = 16;
const PEER_CALLS = 8;

interface Workload {
  readonly label: string;
  /** What the peer column says when the peer cannot run this workload. */
  readonly peerNote?: string;
  /** Length of one throughput round, per executor. */
  readonly roundMs: number;
  /** Latency samples per round, per executor. */
  readonly latencyJobs: number;
  readonly bare: Job;
  /** The same job through a host. */
  hosted(host: ValidationHost): Job;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function adderWorkload(): Promise<Workload> {
  const code = fixture('pvf/adder.wasm');
  const chain = new AdderChain();
  const candidates = Array.from({ length: 2000 }, () => chain.next());
  return validation('adder (Polkadot test-parachain blob)', code, candidates, 1000, 100);
}

async function undyingWorkload(): Promise<Workload> {
  const chain = new UndyingChain({
    graveyardSize: 1024,
    work: { tombstones: 1024, iterations: 256 },
  });
  const candidates = Array.from({ length: 12 }, () => chain.next());
  return validation('undying 1024 × 256 (heavy)', exampleWasm('undying'), candidates, 1500, 12);
}

function validation(
  label: string,
  code: Uint8Array,
  candidates: readonly Candidate[],
  roundMs: number,
  latencyJobs: number,
): Workload {
  const p = prepare(code);
  if (p.kind !== 'prepared') throw new Error(`${label}: ${p.message}`);
  const pick = (i: number) => candidates[i % candidates.length]!;
  return {
    label,
    peerNote: 'n/a: needs Core_version',
    roundMs,
    latencyJobs,
    bare: (i) => {
      const c = pick(i);
      const out = validateBlock(p.prepared, c.params);
      if (out.kind !== c.expected.kind)
        throw new Error(`${label} ${c.label}: bare got ${out.kind}`);
    },
    hosted: (host) => async (i) => {
      const c = pick(i);
      const out = await host.validate({ code, params: c.params });
      if (out.kind !== c.expected.kind)
        throw new Error(`${label} ${c.label}: host got ${out.kind}`);
    },
  };
}

async function coreVersionWorkload(): Promise<Workload & { readonly blob: Uint8Array }> {
  const blob = fixture('pvf/template-parachain.compact.compressed.wasm');
  const wasm = await decompressCode(blob);
  if (wasm.kind !== 'ok') throw new Error('template runtime did not decompress');
  const p = prepare(wasm.bytes);
  if (p.kind !== 'prepared') throw new Error(p.message);
  const none = new Uint8Array();
  return {
    label: 'Core_version, template-parachain (2.8 MB wasm)',
    blob,
    roundMs: 800,
    latencyJobs: 40,
    bare: () => {
      if (callExport(p.prepared, 'Core_version', none).kind !== 'returned')
        throw new Error('bare Core_version');
    },
    hosted: (host) => async () => {
      if ((await host.call({ code: blob, fn: 'Core_version' })).kind !== 'returned')
        throw new Error('host Core_version');
    },
  };
}

/** The peer running `Core_version` on `blob`: a fresh compile and instance per task. */
async function peer(blob: Uint8Array): Promise<Measured> {
  const ex = await import('@acala-network/chopsticks-executor');
  const js = {
    getStorage: async () => undefined,
    getNextKey: async () => undefined,
    offchainGetStorage: async () => undefined,
    offchainTimestamp: async () => 0,
    offchainRandomSeed: async () => '0x' as const,
    offchainSubmitTransaction: async () => false,
  };
  const wasm = `0x${Buffer.from(blob).toString('hex')}`;
  let id = 0;
  const job: Job = async () => {
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
  await job(0);
  const m = new Meter();
  // One job at a time is all it does; its round is its latency run.
  await m.latency(job, PEER_CALLS);
  const lat = m.result();
  return { ...lat, perSec: 1000 / lat.p50, rounds: 1 };
}

/** Bare, host 1 and host N over ROUNDS interleaved rounds; hosts already warm. */
async function sideBySide(
  w: Workload,
  hosts: readonly {
    readonly label: string;
    readonly host: ValidationHost;
    readonly workers: number;
  }[],
): Promise<{ label: string; m: Measured }[]> {
  const bare = new Meter();
  const meters = hosts.map(() => new Meter());
  const jobs = hosts.map((h) => w.hosted(h.host));
  // Warm-up: V8 tiers the module and the engine up; every worker compiles the code.
  for (let i = 0; i < 20; i++) w.bare(i);
  for (const [k, h] of hosts.entries())
    await Promise.all(Array.from({ length: 4 * h.workers }, (_, i) => jobs[k]!(i)));
  for (let r = 0; r < ROUNDS; r++) {
    await bare.round(w.bare, w.roundMs, 1);
    await bare.latency(w.bare, w.latencyJobs);
    for (const [k, h] of hosts.entries()) {
      await meters[k]!.round(jobs[k]!, w.roundMs, h.workers * WINDOW_PER_WORKER);
      await meters[k]!.latency(jobs[k]!, w.latencyJobs);
    }
  }
  return [
    { label: 'bare engine (in-process)', m: bare.result() },
    ...hosts.map((h, k) => ({ label: h.label, m: meters[k]!.result() })),
  ];
}

function rows(
  w: Workload,
  measured: readonly { label: string; m: Measured }[],
  peerM: Measured | undefined,
): Row[] {
  const bare = measured[0]!.m.perSec;
  const out: Row[] = measured.map(({ label, m }, k) => ({
    workload: w.label,
    executor: label,
    'validations/s': Math.round(m.perSec),
    'p50 µs': round2(m.p50 * 1000),
    'p99 µs': round2(m.p99 * 1000),
    'host/bare': k === 0 ? '' : round2(m.perSec / bare),
    'host/peer': k === 0 || peerM === undefined ? '' : round2(m.perSec / peerM.perSec),
  }));
  out.push({
    workload: w.label,
    executor: 'peer (chopsticks-executor)',
    'validations/s': peerM === undefined ? (w.peerNote ?? 'n/a') : round2(peerM.perSec),
    'p50 µs': peerM === undefined ? '' : round2(peerM.p50 * 1000),
    'p99 µs': peerM === undefined ? '' : round2(peerM.p99 * 1000),
    'host/bare': '',
    'host/peer': '',
  });
  return out;
}

/** The machine the figures were made on: core count and load average before and after. */
export function machineNote(before: number[]): string {
  const f = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return `${cpus().length} cores, load ${f(before)} → ${f(loadavg())}`;
}

export const host: Section = {
  name: 'host',
  description:
    'the hot path side by side: bare in-process engine vs the sealed validation host (1 and N workers) vs chopsticks-executor. validations/s = median of 3 interleaved rounds (hosts: 16 jobs per worker in flight); p50/p99 = one job at a time, submit to outcome; host/bare and host/peer = throughput ratios; isolation rows: the same side by side for isolation none / code / job on 2 workers (vs none = throughput ratio); cycle row: RSS, fds and child processes over create → validate → close cycles. The peer cannot run validate_block (its run_task calls Core_version first, which a PVF lacks: n/a), so it is compared on a Core_version call; machine = cores and load average (1, 5, 15 min) before → after.',
  async run() {
    const load = loadavg();
    const workloads: Workload[] = [];
    let coreVersion: Awaited<ReturnType<typeof coreVersionWorkload>> | undefined;
    if (HAVE_FIXTURES) workloads.push(await adderWorkload());
    workloads.push(await undyingWorkload());
    if (HAVE_FIXTURES) workloads.push((coreVersion = await coreVersionWorkload()));
    const b = await testBundles();
    const n = DEFAULT_HOST_OPTIONS.workers;
    const counts = n > 1 ? [1, n] : [1];
    const hosts = [];
    const out: Row[] = [];
    try {
      for (const workers of counts)
        hosts.push({
          label: `host, ${workers} worker${workers > 1 ? 's' : ''}`,
          workers,
          host: await ValidationHost.create({
            workers,
            workerScript: b.worker,
            sandbox: { launcher: b.launcher },
          }),
        });
      for (const w of workloads) {
        const measured = await sideBySide(w, hosts);
        const peerM = w === coreVersion ? await peer(coreVersion.blob) : undefined;
        out.push(...rows(w, measured, peerM));
      }
    } finally {
      await Promise.all(hosts.map((h) => h.host.close()));
    }
    if (HAVE_FIXTURES) out.push(...(await isolationRows()), ...(await cycleRows()));
    out.push({ workload: 'machine', executor: machineNote(load) });
    return out;
  },
};
