// Real Cumulus blocks side by side, in one run: Asset Hub Kusama (the chain spec's genesis) and
// the parachain template, blocks of 0, 10, 100 transfers and a full one (as many as the block's
// weight allows), built offline by the collator (src/collator) in the peer executor. Each block
// is validated
//   bare  — the engine in this process, compiled as workers compile (prepared once, warm):
//           median of REPS;
//   warm  — a ValidationHost with 1 sealed worker that has validated it before: median of REPS
//           (each way in a loop of its own); and again with the CPU caches evicted before each;
//   cold  — the first validation in a fresh sealed worker right after its prepare: median of
//           COLD_REPS workers (COLD_REPS_FULL for the full block); each of them then validates
//           the block warm, and `cold/own warm` is the median over the workers of their first
//           validation over their own warm median;
//   peer  — chopsticks-executor's validate_block (smoldot on wasmi; compiles per task);
// and divided by the block's own ref_time weight (System::BlockWeight of the post-state, all
// classes): the share of Polkadot's time budget, set on reference hardware, the block takes here;
// beside the warm share, this machine's CPU score of the moment (machine-score.ts). And once
// more after the warm worker has waited IDLE_MS, as a validator's worker waits between blocks.
// Then where a warm bare validation's time goes: host functions by family (every signature check
// apart: sr25519/ed25519/ecdsa verify, batch verify and recover) and the guest's own code (the
// rest), from timers wrapped around every host function.
// Then PoV size vs cost: one-transfer blocks on padded genesis states, PoVs of 0-9.5 MiB
// (bench/pov-size.ts), and their profile.
import { loadavg } from 'node:os';
import { WORKER_COMPILE_MODE } from '../runtime/engine/compile.js';
import { decompressCode } from '../runtime/blob/code-blob.js';
import type { HostContext, HostFunction } from '../runtime/host/context.js';
import { PVF_HOST_FUNCTIONS } from '../runtime/host/registry.js';
import { prepare, validateBlock } from '../runtime/engine/index.js';
import type { PreparedModule } from '../runtime/engine/types.js';
import { peerCall } from '../src/collator/peer.js';
import type { ParachainName } from '../src/collator/parachains.js';
import { type TransferBlock, TransferChain } from '../src/collator/transfer-chain.js';
import { loadParachain } from '../src/examples/cumulus-chain.js';
import { ValidationHost } from '../src/host/validation-host.js';
import { HAVE_FIXTURES } from '../test/support/fixtures.js';
import { testBundles } from '../test/support/worker-bundle.js';
import { coldRows } from './blocks-cold.js';
import { cacheEvicter } from './cache-evict.js';
import { machineNote } from './host.js';
import { blake2Score, REFERENCE_BLAKE2_MIBS, scoreSources } from './machine-score.js';
import { paddedBlocks, povSizeRows } from './pov-size.js';
import { processCpuMs } from './process-cpu.js';
import type { Row, Section } from './section.js';

const REPS = 9;
const FULL_REPS = 5;
const COLD_REPS = 7;
const COLD_REPS_FULL = 3;
/** Warm validations of each cold worker after its first (see `measure`). */
const OWN_REPS = 7;
const OWN_REPS_FULL = 3;
/** How long the warm worker waits before the `after idle` validation. */
const IDLE_MS = 12_000;
const PROFILE_REPS = 3;
const TRANSFERS = [0, 10, 100];
/** More than any target's block can take: the full block is what the runtime accepts of it. */
const PROBE = 1500;

const noStorage = {
  get(): never {
    throw new Error('validate_block read node storage');
  },
  nextKey(): never {
    throw new Error('validate_block read node storage');
  },
};

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function chainOf(
  name: ParachainName,
): Promise<{ code: Uint8Array; blocks: TransferBlock[] }> {
  const parachain = await loadParachain(name);
  const chain = new TransferChain(parachain);
  const blocks: TransferBlock[] = [];
  for (const n of TRANSFERS) blocks.push(await chain.next(n));
  blocks.push(await chain.next(await chain.capacity(PROBE)));
  return { code: parachain.config.code, blocks };
}

async function measure(
  name: ParachainName,
  code: Uint8Array,
  blocks: readonly TransferBlock[],
  prepared: PreparedModule,
): Promise<Row[]> {
  const b = await testBundles();
  const evictCaches = cacheEvicter();
  const rows: Row[] = [];
  const host = await ValidationHost.create({
    workers: 1,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
  });
  try {
    for (const block of blocks) {
      const reps = block === blocks.at(-1) ? FULL_REPS : REPS;
      const check = (kind: string) => {
        if (kind !== 'valid') throw new Error(`${name} #${block.number}: ${kind}`);
      };
      /** Wall ms of one validation of the block through `h`, which must find it valid. */
      const sealed = (h: ValidationHost) =>
        time(async () =>
          check((await h.validate({ code, params: block.params, kind: 'approval' })).kind),
        );
      // Cold: a fresh sealed worker, prepared, then its first validation (median of the
      // workers: one first validation of a small block moves by 2× on this machine). Each
      // worker then also validates the block warm (one warm-up, then the median of OWN_REPS),
      // so that each first validation is set against warm ones of the same worker in the same
      // seconds: the load of a shared machine moves both alike, unlike the warm column, which
      // is measured after all the cold ones.
      const full = block === blocks.at(-1);
      const colds: number[] = [];
      const ownRatios: number[] = [];
      for (let r = 0; r < (full ? COLD_REPS_FULL : COLD_REPS); r++) {
        const fresh = await ValidationHost.create({
          workers: 1,
          workerScript: b.worker,
          sandbox: { launcher: b.launcher },
        });
        try {
          const p = await fresh.prepare(code);
          if (p.kind !== 'prepared') throw new Error(p.message);
          const first = await sealed(fresh);
          colds.push(first);
          await sealed(fresh);
          const own: number[] = [];
          for (let i = 0; i < (full ? OWN_REPS_FULL : OWN_REPS); i++) own.push(await sealed(fresh));
          ownRatios.push(first / median(own));
        } finally {
          await fresh.close();
        }
      }
      const cold = median(colds);
      // Each way alone, after one warm-up validation: alternating them put the bare run's
      // leftovers (this process's collections) on the cores while the worker validated.
      // The machine's BLAKE2-256 score just before and after (machine-score.ts): how fast this
      // shared machine was while the warm runs were timed.
      const warm: number[] = [];
      await sealed(host);
      const scoreBefore = blake2Score();
      for (let r = 0; r < reps; r++) warm.push(await sealed(host));
      const score = (scoreBefore + blake2Score()) / 2;
      // After the worker has waited IDLE_MS, as a validator's worker waits between blocks: long
      // enough for V8's memory reducer, which workers turn off (src/host/spawner.ts), to have
      // shrunk the heap.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const afterIdle = await sealed(host);
      // The same with the CPU caches evicted before each, by this process while the worker
      // waits (cache-evict.ts).
      const evicted: number[] = [];
      for (let r = 0; r < reps; r++) {
        evictCaches();
        evicted.push(await sealed(host));
      }
      const bare: number[] = [];
      const bareCpu: number[] = [];
      check(validateBlock(prepared, block.params).kind);
      for (let r = 0; r < reps; r++) {
        const cpu = processCpuMs();
        bare.push(await time(() => check(validateBlock(prepared, block.params).kind)));
        bareCpu.push(processCpuMs() - cpu);
      }
      const peer = await time(() => peerCall(code, [['validate_block', block.params]], noStorage));
      const weightMs = Number(block.weight.refTime) / 1e9;
      const w = median(warm);
      rows.push({
        runtime: name,
        transfers: block.transfers,
        'weight ms': r2(weightMs),
        'PoV KiB': r2(block.blockData.length / 1024),
        'bare ms': r2(median(bare)),
        'bare CPU ms': r2(median(bareCpu)),
        'bare CPU/weight': r2(median(bareCpu) / weightMs),
        'warm ms': r2(w),
        'warm, caches evicted ms': r2(median(evicted)),
        'after idle ms': r2(afterIdle),
        'cold ms': r2(cold),
        'peer ms': r2(peer),
        'warm/weight': r2(w / weightMs),
        'BLAKE2-256 MiB/s': Math.round(score),
        'cold/weight': r2(cold / weightMs),
        'cold/warm': r2(cold / w),
        'cold/own warm': r2(median(ownRatios)),
        'cold/evicted': r2(cold / median(evicted)),
        'after idle/warm': r2(afterIdle / w),
        'peer/warm': r2(peer / w),
      });
    }
  } finally {
    await host.close();
  }
  return rows;
}

interface Tally {
  ms: number;
  calls: number;
}

/** Every function that checks a signature or recovers a key, whatever the scheme. */
const SIGNATURE =
  /^ext_crypto_\w+_(verify|verify_prehashed|batch_verify|recover|recover_compressed)_version_\d+$/;

let installed: Map<string, Tally> | undefined;

/**
 * Wraps every host function with a timer, by family (signature checks apart), once per process:
 * wrapping again would time the earlier wrappers too.
 */
function instrument(): Map<string, Tally> {
  if (installed) return installed;
  const tallies = new Map<string, Tally>();
  installed = tallies;
  const map = PVF_HOST_FUNCTIONS as Map<string, HostFunction>;
  for (const [name, fn] of map) {
    const family = SIGNATURE.test(name)
      ? 'signatures'
      : (/^ext_([a-z]+)_/.exec(name)?.[1] ?? 'other');
    const t = tallies.get(family) ?? { ms: 0, calls: 0 };
    tallies.set(family, t);
    map.set(name, {
      signature: fn.signature,
      call: (ctx: HostContext, ...args) => {
        const t0 = performance.now();
        try {
          return fn.call(ctx, ...args);
        } finally {
          t.ms += performance.now() - t0;
          t.calls++;
        }
      },
    });
  }
  return tallies;
}

const povMiB = (b: TransferBlock) => r2(b.blockData.length / (1024 * 1024));

function profile(
  name: string,
  wasm: Uint8Array,
  blocks: readonly TransferBlock[],
  label: (b: TransferBlock) => string | number = (b) => b.transfers,
): Row[] {
  const tallies = instrument();
  const p = prepare(wasm, {}, { compile: WORKER_COMPILE_MODE });
  if (p.kind !== 'prepared') throw new Error(p.message);
  const rows: Row[] = [];
  for (const block of blocks) {
    validateBlock(p.prepared, block.params); // warm-up
    // The run with the median total of PROFILE_REPS: one run alone moves by 2-3× on a
    // shared machine (a collection lands in whichever family is running).
    const runs: { ms: number; families: Map<string, Tally> }[] = [];
    for (let r = 0; r < PROFILE_REPS; r++) {
      for (const t of tallies.values()) [t.ms, t.calls] = [0, 0];
      const total = performance.now();
      validateBlock(p.prepared, block.params);
      const ms = performance.now() - total;
      runs.push({ ms, families: new Map([...tallies].map(([f, t]) => [f, { ...t }])) });
    }
    runs.sort((a, b) => a.ms - b.ms);
    const { ms, families } = runs[Math.floor(runs.length / 2)]!;
    const host = [...families.values()].reduce((s, t) => s + t.ms, 0);
    const cell = (family: string) => {
      const t = families.get(family) ?? { ms: 0, calls: 0 };
      return `${r2(t.ms)} (${t.calls})`;
    };
    rows.push({
      runtime: name,
      transfers: label(block),
      'total ms': r2(ms),
      'signature checks ms (calls)': cell('signatures'),
      'hashing ms (calls)': cell('hashing'),
      'other host ms': r2(
        host -
          ['signatures', 'hashing'].map((f) => families.get(f)?.ms ?? 0).reduce((a, b) => a + b, 0),
      ),
      'guest ms': r2(ms - host),
      'signature share': `${Math.round((100 * (families.get('signatures')?.ms ?? 0)) / ms)} %`,
    });
  }
  return rows;
}

export const blocks: Section = {
  name: 'blocks',
  description:
    "real Cumulus blocks (Asset Hub Kusama from its chain spec, and the parachain template) with 0, 10, 100 and a full block of signed transfers, built offline. bare = engine in-process, compiled as workers compile (every function at prepare: with TurboFan on Node 20 and 22, Liftoff on 24), warm = 1 sealed worker that has run the block (each way alone, median of 9, 5 for full), warm with caches evicted = the same with this process writing to every cache line of 64 MiB (twice the shared last-level cache) before each, cold = first validation in a fresh sealed worker right after prepare (median of 7 workers, 3 for full), cold/own warm = median over those workers of first ÷ the same worker's warm median (7 after a warm-up, 3 for full), peer = chopsticks-executor validate_block (compiles the runtime on each call); weight = the block's System::BlockWeight ref_time; x/weight = time here ÷ time budgeted on reference hardware; BLAKE2-256 MiB/s = this machine's `benchmark machine` CPU score (sc-sysinfo's method, libsodium's or OpenSSL's BLAKE2b, the higher), taken just before and after the warm runs (machine-score.ts; the reference hardware scores 1,023 MiB/s); after idle = one validation by the warm worker after it waited 12 s (V8's memory reducer, off in workers, acts after about 8 s). bare CPU = the CPU time (all threads) of the bare validation (process-cpu.ts), the figure that survives a shared machine. Then a profile of one warm bare validation: host functions in JavaScript by family (all signature checks together) vs guest code; the allocator and twox_64/twox_128 run in wasm beside the guest (wasm-host.ts), so their time counts as guest time. Then PoV size vs cost: one-transfer blocks on genesis states padded to PoVs of 0, 1, 5 and 9.5 MiB (decompress = the worker's PoV decompression; host pov = 1 warm sealed worker given the compressed PoV; host params = the same given SCALE params; proof decode = bare validate_block until the compact proof with its last byte flipped is rejected; median of 5), with its profile. Then first, second and warm validation in fresh processes per compilation mode at prepare (lazy, V8's default; eager Liftoff, as workers do on Node 24; eager TurboFan, as they do on Node 20 and 22), on this Node and on Node 24 when the Node matrix has fetched it, in CPU time, and prepare's cost on Moonbase per compilation mode (blocks-cold.ts).",
  async run() {
    if (!HAVE_FIXTURES)
      return [{ note: 'the fixtures are absent: no real runtime to build blocks for' }];
    const load = loadavg();
    const rows: Row[] = [];
    const profiles: Row[] = [];
    const povRows: Row[] = [];
    const built: {
      name: ParachainName;
      code: Uint8Array;
      wasm: Uint8Array;
      blocks: TransferBlock[];
      padded: TransferBlock[];
    }[] = [];
    for (const name of ['asset-hub', 'template'] as const) {
      const { code, blocks } = await chainOf(name);
      const wasm = await decompressCode(code);
      if (wasm.kind !== 'ok') throw new Error(`${name}: code did not decompress`);
      built.push({ name, code, wasm: wasm.bytes, blocks, padded: await paddedBlocks(name) });
    }
    for (const t of built) {
      // Compiled as workers compile (runtime/engine/compile.ts), so that bare vs warm is what
      // the sealed worker and the channel add.
      const p = prepare(t.wasm, {}, { compile: WORKER_COMPILE_MODE });
      if (p.kind !== 'prepared') throw new Error(p.message);
      rows.push(...(await measure(t.name, t.code, t.blocks, p.prepared)));
      povRows.push(...(await povSizeRows(t.name, t.code, p.prepared, t.padded)));
    }
    for (const t of built) profiles.push(...profile(t.name, t.wasm, t.blocks));
    for (const t of built)
      profiles.push(...profile(t.name, t.wasm, t.padded, (b) => `1, PoV ${povMiB(b)} MiB`));
    const ah = built.find((t) => t.name === 'asset-hub')!;
    const cold = await coldRows(
      ah.name,
      ah.wasm,
      ah.blocks.filter((b) => b.transfers !== 10),
    );
    return [
      ...rows,
      ...povRows,
      ...profiles,
      ...cold,
      { runtime: 'machine', transfers: machineNote(load) },
      {
        runtime: 'machine',
        transfers: `BLAKE2-256 ${Math.round(blake2Score())} MiB/s now (${scoreSources()}; reference hardware ${REFERENCE_BLAKE2_MIBS})`,
      },
    ];
  },
};
