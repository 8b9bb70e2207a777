// Differential runs of the allocator and host functions: the same generated programs run
// under this engine and under @acala-network/chopsticks-executor (smoldot's independent
// executor, host functions and allocator, compiled to wasm), and the outcomes must agree —
// the same transcript bytes, or a trap in both. Known intended differences, not compared:
// error message texts; the unordered `*_root` functions (the peer's trie-root code panics —
// smoldot calculate_root.rs:181 `unreachable` — on inputs as plain as keys 0x01 and 0x03, and
// returns other roots for keys 0x01 and 0x0301, where the peer's own state-root calculator
// agrees with ours), so those are compared against `calculate_state_root` instead
// (`compareStateRoots`); and where memory runs out (the peer sizes memory from `:heappages`,
// this engine from `maxMemoryPages`); programs stay far below both limits.
import { callExport, prepare, type PreparedModule } from '../../runtime/engine/index.js';
import { encodeCompactU32 } from '../../runtime/codec/strict.js';
import { differentialPvf, HASHES, TRIES } from './differential-pvf.js';

/** The `TRIES` kinds compared (the ordered roots; see the header). */
const ORDERED = TRIES.flatMap(([name], k) => (name.includes('ordered') ? [k] : []));

/** A seeded PRNG (mulberry32), so that a failing case can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/**
 * One program: mallocs of assorted sizes (rarely above the 32 MiB limit), frees (sometimes
 * twice), hashes and trie roots of generated data (sometimes malformed SCALE), and rarely a
 * forged header. Most programs are valid; the invalid ones check that both sides trap.
 */
export function program(seed: number): Uint8Array {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const ops: number[] = [];
  const data: number[] = [];
  let slots = 0;
  const live: number[] = [];
  const region = (bytes: number[]) => {
    const off = data.length;
    data.push(...bytes);
    return [off, bytes.length];
  };
  const n = 1 + int(40);
  for (let k = 0; k < n; k++) {
    const pick = r();
    if (pick < 0.4 || live.length === 0) {
      const roll = r();
      const size =
        roll < 0.6
          ? int(65)
          : roll < 0.9
            ? int(4097)
            : roll < 0.995
              ? int(1 << 20)
              : (32 << 20) + int(9) - 4;
      ops.push(0, ...u32le(size));
      live.push(slots++);
    } else if (pick < 0.65) {
      // Mostly a live allocation; sometimes any slot (a double free traps in both).
      const any = r() < 0.01;
      const slot = any ? int(slots) : live.splice(int(live.length), 1)[0]!;
      if (any && live.includes(slot)) live.splice(live.indexOf(slot), 1);
      ops.push(1, ...u32le(slot));
    } else if (pick < 0.8) {
      const [off, len] = region(Array.from({ length: int(300) }, () => int(256)));
      ops.push(2, int(HASHES.length), ...u32le(off!), ...u32le(len!));
    } else if (pick < 0.99) {
      const kind = ORDERED[int(ORDERED.length)]!;
      const bytes = (max: number) => {
        const b = Array.from({ length: int(max) }, () => int(r() < 0.5 ? 4 : 256));
        return [...encodeCompactU32(b.length), ...b];
      };
      const items = Array.from({ length: int(20) }, () => bytes(r() < 0.8 ? 40 : 300));
      let scale = [...encodeCompactU32(items.length), ...items.flat()];
      if (r() < 0.05 && scale.length > 1) scale = scale.slice(0, int(scale.length)); // malformed
      const [off, len] = region(scale);
      ops.push(3, kind, ...u32le(off!), ...u32le(len!));
    } else {
      ops.push(4, ...u32le(int(slots)), ...u32le(int(30)), ...u32le(int(2)));
    }
  }
  const head = 4 + ops.length;
  // Data offsets are from the input start: shift them past the ops.
  const fixed = relocate(ops, head);
  return Uint8Array.from([...u32le(ops.length), ...fixed, ...data]);
}

/** Adds `by` to the `off` field of every hash/trie op. */
function relocate(ops: number[], by: number): number[] {
  const out = ops.slice();
  for (let i = 0; i < out.length;) {
    const op = out[i]!;
    if (op === 0 || op === 1) i += 5;
    else if (op === 4) i += 13;
    else {
      const at = i + 2;
      const off =
        (out[at]! | (out[at + 1]! << 8) | (out[at + 2]! << 16) | (out[at + 3]! << 24)) + by;
      out.splice(at, 4, ...u32le(off));
      i += 10;
    }
  }
  return out;
}

export type Verdict = { kind: 'ok'; output: string } | { kind: 'trap'; message: string };

export interface Differential {
  ours(input: Uint8Array): Verdict;
  peer(input: Uint8Array): Promise<Verdict>;
}

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;

/** Both executors, loaded once with the differential runtime. */
export async function differential(): Promise<Differential> {
  return executorPair(await differentialPvf(), 'differential runtime');
}

/**
 * Both executors, each with `code` prepared once, calling its export `run(input)`: this engine
 * and chopsticks-executor (no storage, signatures really checked, unresolved imports allowed).
 */
export async function executorPair(code: Uint8Array, what: string): Promise<Differential> {
  const p = prepare(code);
  if (p.kind !== 'prepared') throw new Error(`${what}: ${p.message}`);
  const prepared: PreparedModule = p.prepared;
  const ex = await import('@acala-network/chopsticks-executor');
  const js = {
    getStorage: async () => undefined,
    getNextKey: async () => undefined,
    offchainGetStorage: async () => undefined,
    offchainTimestamp: async () => 0,
    offchainRandomSeed: async () => '0x' as const,
    offchainSubmitTransaction: async () => false,
  };
  const wasm = hex(code);
  let id = 0;
  return {
    ours(input) {
      const out = callExport(prepared, 'run', input);
      if (out.kind === 'returned') return { kind: 'ok', output: hex(out.output) };
      if (out.kind === 'internal-error') throw new Error(`internal error: ${out.message}`);
      return { kind: 'trap', message: out.message };
    },
    async peer(input) {
      const r = (await ex.run_task(
        {
          id: ++id,
          wasm,
          calls: [['run', [hex(input)]]],
          mockSignatureHost: 0,
          allowUnresolvedImports: true,
          runtimeLogLevel: 0,
          storageProofSize: 0,
        },
        js,
      )) as { Call?: { result: string }; Error?: string };
      if (r.Call) return { kind: 'ok', output: r.Call.result };
      return { kind: 'trap', message: String(r.Error) };
    },
  };
}

/** Runs programs `from .. from + count` under both; returns the seeds that disagree. */
export async function compare(
  d: Differential,
  from: number,
  count: number,
): Promise<{ seeds: number[]; ok: number; traps: number; first?: string }> {
  const seeds: number[] = [];
  let ok = 0;
  let traps = 0;
  let first: string | undefined;
  for (let seed = from; seed < from + count; seed++) {
    const input = program(seed);
    const a = d.ours(input);
    const b = await d.peer(input);
    const same = a.kind === b.kind && (a.kind === 'trap' || a.output === (b as typeof a).output);
    if (!same) {
      seeds.push(seed);
      first ??= `seed ${seed}: ours ${JSON.stringify(a).slice(0, 300)} peer ${JSON.stringify(b).slice(0, 300)}`;
    } else if (a.kind === 'ok') ok++;
    else traps++;
  }
  return { seeds, ok, traps, first };
}

/**
 * Unordered trie roots against the peer's own state-root calculator (`calculate_state_root`,
 * which chopsticks uses for real chains' storage; its `ext_trie_*_root` host-function path is
 * the one that panics, see the header): `count` generated key/value sets, V0 and V1, with
 * shared prefixes, keys that prefix others, empty values and values around the 33-byte
 * threshold. Returns the disagreeing seeds.
 */
export async function compareStateRoots(
  from: number,
  count: number,
  ours: (pairs: [Uint8Array, Uint8Array][], version: 0 | 1) => Uint8Array,
): Promise<{ seeds: number[]; first?: string }> {
  const ex = await import('@acala-network/chopsticks-executor');
  const seeds: number[] = [];
  let first: string | undefined;
  for (let seed = from; seed < from + count; seed++) {
    const r = rng(seed);
    const int = (n: number) => Math.floor(r() * n);
    const pairs = new Map<string, [Uint8Array, Uint8Array]>();
    for (let k = 1 + int(30); k > 0; k--) {
      const key = Uint8Array.from({ length: int(5) }, () => int(r() < 0.7 ? 3 : 256));
      const roll = r();
      const len = roll < 0.2 ? 0 : roll < 0.5 ? 31 + int(4) : int(100);
      pairs.set(hex(key), [key, Uint8Array.from({ length: len }, () => int(256))]);
    }
    const list = [...pairs.values()];
    for (const version of [0, 1] as const) {
      const a = hex(ours(list, version));
      const b = String(
        await ex.calculate_state_root(
          list.map(([k, v]) => [hex(k), hex(v)]),
          version,
        ),
      );
      if (a !== b) {
        seeds.push(seed);
        first ??= `seed ${seed} V${version}: ours ${a} peer ${b}`;
        break;
      }
    }
  }
  return { seeds, first };
}
