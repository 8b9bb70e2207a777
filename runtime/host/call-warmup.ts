// Warm-up of the whole path a host call takes in a validation, when a worker loads:
// host-warmup.ts calls the busiest host functions directly, but a validation reaches them through
// more JavaScript that then still ran cold in the first validation after a prepare — the import
// wrappers link.ts makes for each module, the host context and guest-memory views execute.ts
// builds per call, the fat-pointer reads and the pointer returns — as did V8's wrappers between
// wasm and JavaScript for each signature. Measured in-process on Asset Hub with every function
// compiled at prepare (Node 20, CPU ms, first / warm validation): 100 transfers 44–54 / 28–36
// with the direct warm-up only, 27–31 / 27–34 after a validation of another block on the same
// code; 0 transfers 9.7–15.5 / 1.9–2.5 against 2.1–2.6 / 2.1–2.3.
//
// So a module of our own, assembled below (about 1.2 KiB), goes through the engine as a PVF
// does — prepare (determinism step, link, compile), a fresh instance per call, `validateBlock`
// and its check of the result — and calls the host functions a Cumulus `validate_block` calls
// (the allocator, the hashing functions, sr25519 and ed25519 verification on public vectors, a
// batch, an ordered trie root) about as many times as host-warmup.ts does. Only our code runs,
// on its own memory, host context and allocator; what it leaves behind is V8's compiled code
// and type feedback, and digests of its constant inputs in the hash memo, none of which a guest
// can observe. The import wrappers link.ts makes have a function literal per host function,
// kept for the process, so a PVF's wrappers share the feedback these ones gathered.
import { WORKER_COMPILE_MODE } from '../engine/compile.js';
import { prepare, validateBlock } from '../engine/index.js';
import type { EngineOutcome } from '../engine/types.js';
import { Writer } from '../wasm/writer.js';
import type { Signature, ValType } from './context.js';
import { PVF_HOST_FUNCTIONS } from './registry.js';
import { ED25519_RFC8032_1, type KnownSignature, SR25519_ALICE } from './known-vectors.js';

/** Loop iterations per call: with CALLS calls, past V8's optimization thresholds (measured). */
export const WARM_UP_ROUNDS = 1000;
/** Calls of the module per warm-up. */
export const CALLS = 3;

/** The host functions the module imports; their types are the registry's. */
const IMPORTS = [
  'ext_allocator_malloc_version_1',
  'ext_allocator_free_version_1',
  'ext_hashing_twox_128_version_1',
  'ext_hashing_twox_64_version_1',
  'ext_hashing_blake2_128_version_1',
  'ext_hashing_blake2_256_version_1',
  'ext_hashing_keccak_256_version_1',
  'ext_crypto_sr25519_verify_version_2',
  'ext_crypto_ed25519_verify_version_1',
  'ext_crypto_start_batch_verify_version_1',
  'ext_crypto_finish_batch_verify_version_1',
  'ext_trie_blake2_256_ordered_root_version_2',
] as const;

/** The host functions the warm-up calls (for its test). */
export const WARMED_UP_HOST_FUNCTIONS: readonly string[] = IMPORTS;

type Name = (typeof IMPORTS)[number];
const fn = (name: Name): number => IMPORTS.indexOf(name);

// Where the module's data lies in its memory (the heap starts at HEAP_BASE).
const SR = 1024; // sr25519 pub (32), sig (64), msg
const ED = 1280; // ed25519 pub, sig, msg (empty)
const LIST = 1536; // SCALE Vec<Vec<u8>> of four values, for the ordered root
// The ValidationResult the call returns, whose head data is an i32: how many verifications said
// yes (compact length 4, the i32, no code, no messages, two u32 zeros: 16 bytes).
const OUT = 3584;
const OUT_BYTES = 16;
const HEAP_BASE = 4096;

const VALUES: Record<ValType, number> = { i32: 0x7f, i64: 0x7e };
const I32 = VALUES.i32;
const VALIDATE_BLOCK: Signature = { params: ['i32', 'i32'], results: ['i64'] };

/** The wasm encoding of a function type. */
function funcType(sig: Signature, w: Writer): void {
  w.u8(0x60);
  vec(w, sig.params, (v) => w.u8(VALUES[v]));
  vec(w, sig.results, (v) => w.u8(VALUES[v]));
}

function vec<T>(w: Writer, items: readonly T[], each: (item: T) => void): void {
  w.u32(items.length);
  for (const item of items) each(item);
}

function str(w: Writer, s: string): void {
  const bytes = new TextEncoder().encode(s);
  w.u32(bytes.length);
  w.bytes(bytes);
}

const i32 = (w: Writer, v: number) => (w.u8(0x41), w.i32(v));
const fat = (w: Writer, ptr: number, len: number) => (
  w.u8(0x42),
  w.i64((BigInt(len) << 32n) | BigInt(ptr))
);
const call = (w: Writer, name: Name) => (w.u8(0x10), w.u32(fn(name)));
const get = (w: Writer, local: number) => (w.u8(0x20), w.u32(local));
const set = (w: Writer, local: number) => (w.u8(0x21), w.u32(local));

/** Locals of `validate_block` after its two parameters. */
const [I, A, B, OK] = [2, 3, 4, 5];

/** `ok += verify(sig, msg, pub)` on a known signature laid out at `at`. */
function verify(w: Writer, name: Name, at: number, k: KnownSignature): void {
  get(w, OK);
  i32(w, at + 32);
  fat(w, at + 96, k.msg.length);
  i32(w, at);
  call(w, name);
  w.u8(0x6a); // i32.add
  set(w, OK);
}

/** One hashing call on `len` bytes of the sr25519 area, its digest freed. */
function hash(w: Writer, name: Name, len: number): void {
  fat(w, SR, len);
  call(w, name);
  call(w, 'ext_allocator_free_version_1');
}

function body(w: Writer): void {
  vec(w, [[4, I32]], ([n, t]) => (w.u32(n!), w.u8(t!)));
  w.u8(0x03); // loop
  w.u8(0x40);
  // a = malloc(8 + (i & 63)); b = malloc(100); free(a)
  i32(w, 8);
  get(w, I);
  i32(w, 63);
  w.u8(0x71); // i32.and
  w.u8(0x6a); // i32.add
  call(w, 'ext_allocator_malloc_version_1');
  set(w, A);
  i32(w, 100);
  call(w, 'ext_allocator_malloc_version_1');
  set(w, B);
  get(w, A);
  call(w, 'ext_allocator_free_version_1');
  // Short inputs (storage keys: the memo's path) and a long one (the hasher's).
  hash(w, 'ext_hashing_twox_128_version_1', 16);
  hash(w, 'ext_hashing_twox_64_version_1', 8);
  hash(w, 'ext_hashing_blake2_128_version_1', 32);
  hash(w, 'ext_hashing_blake2_256_version_1', 40);
  hash(w, 'ext_hashing_keccak_256_version_1', 32);
  hash(w, 'ext_hashing_blake2_256_version_1', 96 + SR25519_ALICE.msg.length);
  get(w, B);
  call(w, 'ext_allocator_free_version_1');
  // Every 64th round: both signature checks.
  get(w, I);
  i32(w, 63);
  w.u8(0x71); // i32.and
  w.u8(0x45); // i32.eqz
  w.u8(0x04); // if
  w.u8(0x40);
  verify(w, 'ext_crypto_sr25519_verify_version_2', SR, SR25519_ALICE);
  verify(w, 'ext_crypto_ed25519_verify_version_1', ED, ED25519_RFC8032_1);
  // and a page more memory, as a PVF's allocator grows it: host code then finds its view of
  // the memory detached, and refreshes it.
  i32(w, 1);
  w.u8(0x40); // memory.grow
  w.u8(0x00);
  w.u8(0x1a); // drop
  w.u8(0x0b); // end if
  // i += 1; continue while i < WARM_UP_ROUNDS
  get(w, I);
  i32(w, 1);
  w.u8(0x6a);
  w.u8(0x22); // local.tee
  w.u32(I);
  i32(w, WARM_UP_ROUNDS);
  w.u8(0x49); // i32.lt_u
  w.u8(0x0d); // br_if
  w.u32(0);
  w.u8(0x0b); // end loop
  // A batch around one more check, as a block's signed extrinsics may be.
  call(w, 'ext_crypto_start_batch_verify_version_1');
  verify(w, 'ext_crypto_sr25519_verify_version_2', SR, SR25519_ALICE);
  get(w, OK);
  call(w, 'ext_crypto_finish_batch_verify_version_1');
  w.u8(0x6a);
  set(w, OK);
  // The extrinsics root of four values, state version 1.
  fat(w, LIST, LIST_BYTES.length);
  i32(w, 1);
  call(w, 'ext_trie_blake2_256_ordered_root_version_2');
  call(w, 'ext_allocator_free_version_1');
  // OUT = compact(4) ++ ok ++ zeros (fresh memory); return (OUT, OUT_BYTES)
  i32(w, OUT);
  i32(w, 4 << 2);
  w.u8(0x3a); // i32.store8
  w.u32(0);
  w.u32(0);
  i32(w, OUT);
  get(w, OK);
  w.u8(0x36); // i32.store, unaligned
  w.u32(0);
  w.u32(1);
  fat(w, OUT, OUT_BYTES);
  w.u8(0x0b);
}

/** Longer than the 256 bytes trie-root.ts's node buffer starts with, so that it grows. */
const LONG_VALUE = 600;
/** compact(4) ++ four values of compact(len) ++ bytes. */
const LIST_BYTES = new Uint8Array([
  4 << 2,
  4 << 2,
  1,
  2,
  3,
  4,
  1 << 2,
  9,
  33 << 2,
  ...new Array(33).fill(7),
  ((LONG_VALUE << 2) | 1) & 0xff, // two-byte compact
  ((LONG_VALUE << 2) | 1) >> 8,
  ...new Array(LONG_VALUE).fill(8),
]);

function data(w: Writer, at: number, bytes: Uint8Array): void {
  w.u8(0); // active, memory 0
  i32(w, at);
  w.u8(0x0b);
  w.u32(bytes.length);
  w.bytes(bytes);
}

const signatureBytes = (k: KnownSignature) => new Uint8Array([...k.pub, ...k.sig, ...k.msg]);

/** The module: imports, memory `env.memory`, `__heap_base`, `validate_block` and its data. */
export function warmUpModule(): Uint8Array {
  const w = new Writer(2048);
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  const types = IMPORTS.map((name) => PVF_HOST_FUNCTIONS.get(name)!.signature);
  w.section(1, (s) => vec(s, [...types, VALIDATE_BLOCK], (t) => funcType(t, s)));
  w.section(2, (s) => {
    vec(s, [...IMPORTS.map((_, i) => i), -1], (i) => {
      str(s, 'env');
      if (i < 0) {
        str(s, 'memory');
        s.u8(0x02); // memory
        s.u8(0x00); // min only
        s.u32(1);
        return;
      }
      str(s, IMPORTS[i]!);
      s.u8(0x00);
      s.u32(i);
    });
  });
  w.section(3, (s) => vec(s, [IMPORTS.length], (t) => s.u32(t)));
  w.section(6, (s) =>
    vec(s, [HEAP_BASE], (v) => {
      s.u8(I32);
      s.u8(0); // immutable
      i32(s, v);
      s.u8(0x0b);
    }),
  );
  w.section(7, (s) => {
    s.u32(2);
    str(s, 'validate_block');
    s.u8(0x00);
    s.u32(IMPORTS.length);
    str(s, '__heap_base');
    s.u8(0x03);
    s.u32(0);
  });
  w.section(10, (s) => {
    s.u32(1);
    const at = s.beginSized();
    body(s);
    s.endSized(at);
  });
  w.section(11, (s) => {
    s.u32(3);
    data(s, SR, signatureBytes(SR25519_ALICE));
    data(s, ED, signatureBytes(ED25519_RFC8032_1));
    data(s, LIST, LIST_BYTES);
  });
  return w.finish();
}

/**
 * Runs the module CALLS times through the engine; returns the last call's outcome (for its
 * test). Throws only if our own module fails to prepare, which its test rules out.
 */
export function warmUpHostCalls(): EngineOutcome {
  const p = prepare(warmUpModule(), {}, { compile: WORKER_COMPILE_MODE });
  if (p.kind !== 'prepared') throw new Error(`host-call warm-up module: ${p.message}`);
  let out: EngineOutcome | undefined;
  for (let i = 0; i < CALLS; i++) out = validateBlock(p.prepared, new Uint8Array());
  return out!;
}
