// A tiny runtime for differential runs of the allocator and host functions against another
// executor: `run(ptr, len) -> i64` interprets its input as a program of host calls and returns
// a transcript of what they gave back. It exports `Core_version` and embeds its version in a
// `runtime_version` section so that any Substrate executor accepts it as a runtime.
//
// Input: ops length:u32, the ops, then data the ops refer to (offsets are from the input start).
// Ops (little-endian):
//   0x00 size:u32                     malloc(size)            → ptr:u32
//   0x01 slot:u32                     free(slots[slot])       → nothing (a bad free traps)
//   0x02 kind:u8 off:u32 len:u32      hash input[off..+len]   → ptr:u32, digest
//   0x03 kind:u8 off:u32 len:u32      trie root of the SCALE input[off..+len] → ptr:u32, root
//   0x04 slot:u32 lo:u32 hi:u32       write (lo, hi) into the header of slots[slot]
// The transcript is written at 0x1000 (below __heap_base), at most 64 KiB.
import { encodeRuntimeVersion } from '../../runtime/codec/runtime-version.js';
import { name, section } from './wasm-bytes.js';
import { wat } from './wat.js';

/** Hash functions by `kind` of op 0x02: import name and digest length. */
export const HASHES = [
  ['ext_hashing_blake2_256_version_1', 32],
  ['ext_hashing_blake2_128_version_1', 16],
  ['ext_hashing_keccak_256_version_1', 32],
  ['ext_hashing_keccak_512_version_1', 64],
  ['ext_hashing_sha2_256_version_1', 32],
  ['ext_hashing_twox_64_version_1', 8],
  ['ext_hashing_twox_128_version_1', 16],
  ['ext_hashing_twox_256_version_1', 32],
] as const;

/** Trie roots by `kind` of op 0x03: import name, and the state version passed to version 2. */
export const TRIES = [
  ['ext_trie_blake2_256_root_version_1', undefined],
  ['ext_trie_blake2_256_root_version_2', 1],
  ['ext_trie_blake2_256_ordered_root_version_1', undefined],
  ['ext_trie_blake2_256_ordered_root_version_2', 1],
  ['ext_trie_keccak_256_root_version_2', 0],
  ['ext_trie_keccak_256_ordered_root_version_2', 0],
] as const;

const VERSION = encodeRuntimeVersion({
  specName: 'differential',
  implName: 'differential',
  authoringVersion: 1,
  specVersion: 1,
  implVersion: 1,
  apis: [],
  transactionVersion: 1,
  systemVersion: 0,
});

const dataString = (b: Uint8Array) =>
  [...b].map((x) => `\\${x.toString(16).padStart(2, '0')}`).join('');

function source(): string {
  const hashImports = HASHES.map(
    ([n], k) => `(import "env" "${n}" (func $h${k} (param i64) (result i32)))`,
  ).join('\n');
  const trieImports = TRIES.map(([n, v], k) =>
    v === undefined
      ? `(import "env" "${n}" (func $t${k} (param i64) (result i32)))`
      : `(import "env" "${n}" (func $t${k} (param i64 i32) (result i32)))`,
  ).join('\n');
  const hashCases = HASHES.map(
    ([, len], k) =>
      `(if (i32.eq (local.get $kind) (i32.const ${k})) (then
         (local.set $r (call $h${k} (local.get $fat))) (local.set $n (i32.const ${len}))))`,
  ).join('\n');
  const trieCases = TRIES.map(([, v], k) =>
    v === undefined
      ? `(if (i32.eq (local.get $kind) (i32.const ${k})) (then (local.set $r (call $t${k} (local.get $fat)))))`
      : `(if (i32.eq (local.get $kind) (i32.const ${k})) (then (local.set $r (call $t${k} (local.get $fat) (i32.const ${v})))))`,
  ).join('\n');
  return `(module
  (import "env" "memory" (memory 20))
  (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))
  ${hashImports}
  ${trieImports}
  (global (export "__heap_base") i32 (i32.const 0x20000))
  (data (i32.const 0x100) "${dataString(VERSION)}")
  (func $pack (param i32 i32) (result i64)
    (i64.or (i64.extend_i32_u (local.get 0)) (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32))))
  (func (export "Core_version") (param i32 i32) (result i64)
    (call $pack (i32.const 0x100) (i32.const ${VERSION.length})))
  ;; slots: u32 pointers at 0x11000 (up to 4096), count at 0x10ffc; transcript at 0x1000.
  (func $copy (param $d i32) (param $s i32) (param $n i32)
    (block $b (loop $l
      (br_if $b (i32.eqz (local.get $n)))
      (i32.store8 (local.get $d) (i32.load8_u (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (local.set $s (i32.add (local.get $s) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))
  (func $emit (param $v i32) (param $at i32) (result i32)
    (i32.store (local.get $at) (local.get $v)) (i32.add (local.get $at) (i32.const 4)))
  (func (export "run") (param $p i32) (param $l i32) (result i64)
    (local $i i32) (local $end i32) (local $op i32) (local $out i32) (local $nslots i32)
    (local $kind i32) (local $off i32) (local $len i32) (local $r i32) (local $n i32) (local $fat i64)
    (local.set $i (i32.add (local.get $p) (i32.const 4)))
    (local.set $end (i32.add (local.get $i) (i32.load (local.get $p))))
    (local.set $out (i32.const 0x1000))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $op (i32.load8_u (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (if (i32.eq (local.get $op) (i32.const 0)) (then
        (local.set $r (call $malloc (i32.load (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (i32.store (i32.add (i32.const 0x11000) (i32.shl (local.get $nslots) (i32.const 2))) (local.get $r))
        (local.set $nslots (i32.add (local.get $nslots) (i32.const 1)))
        (local.set $out (call $emit (local.get $r) (local.get $out)))))
      (if (i32.eq (local.get $op) (i32.const 1)) (then
        (call $free (i32.load (i32.add (i32.const 0x11000) (i32.shl (i32.load (local.get $i)) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))))
      (if (i32.or (i32.eq (local.get $op) (i32.const 2)) (i32.eq (local.get $op) (i32.const 3))) (then
        (local.set $kind (i32.load8_u (local.get $i)))
        (local.set $off (i32.load (i32.add (local.get $i) (i32.const 1))))
        (local.set $len (i32.load (i32.add (local.get $i) (i32.const 5))))
        (local.set $i (i32.add (local.get $i) (i32.const 9)))
        (local.set $fat (call $pack (i32.add (local.get $p) (local.get $off)) (local.get $len)))
        (local.set $r (i32.const 0)) (local.set $n (i32.const 32))
        (if (i32.eq (local.get $op) (i32.const 2)) (then ${hashCases}) (else ${trieCases}))
        (local.set $out (call $emit (local.get $r) (local.get $out)))
        (call $copy (local.get $out) (local.get $r) (local.get $n))
        (local.set $out (i32.add (local.get $out) (local.get $n)))))
      (if (i32.eq (local.get $op) (i32.const 4)) (then
        (local.set $r (i32.load (i32.add (i32.const 0x11000) (i32.shl (i32.load (local.get $i)) (i32.const 2)))))
        (i32.store (i32.sub (local.get $r) (i32.const 8)) (i32.load (i32.add (local.get $i) (i32.const 4))))
        (i32.store (i32.sub (local.get $r) (i32.const 4)) (i32.load (i32.add (local.get $i) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 12)))))
      (br $next)))
    (call $pack (i32.const 0x1000) (i32.sub (local.get $out) (i32.const 0x1000)))))`;
}

/** The differential runtime (MVP only: `$copy` is a loop, not bulk memory). */
export async function differentialPvf(): Promise<Uint8Array> {
  const code = await wat(source());
  return Uint8Array.from([...code, ...section(0, [...name('runtime_version'), ...VERSION])]);
}
