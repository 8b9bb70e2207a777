// A tiny runtime that calls sp-io's `*_verify_proof` host functions, for comparing this
// engine with another executor: `run(ptr, len) -> i64` reads
//   fn:u8 root:[u8; 32] keyLen:u32 key valueLen:u32 value proof(SCALE Vec<Vec<u8>>, the rest)
// calls the function `fn` picks (FUNCTIONS below) and returns its i32 result as 4 LE bytes.
// It exports `Core_version` and embeds a `runtime_version` section so that any Substrate
// executor accepts it as a runtime.
import { encodeRuntimeVersion } from '../../runtime/codec/runtime-version.js';
import { name, section } from './wasm-bytes.js';
import { wat } from './wat.js';

/** By `fn`: import name and the state version passed to version 2 (undefined: version 1). */
export const FUNCTIONS = [
  ['ext_trie_blake2_256_verify_proof_version_1', undefined],
  ['ext_trie_blake2_256_verify_proof_version_2', 0],
  ['ext_trie_blake2_256_verify_proof_version_2', 1],
  ['ext_trie_keccak_256_verify_proof_version_1', undefined],
  ['ext_trie_keccak_256_verify_proof_version_2', 0],
  ['ext_trie_keccak_256_verify_proof_version_2', 1],
] as const;

const VERSION = encodeRuntimeVersion({
  specName: 'trie-proof',
  implName: 'trie-proof',
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
  const imports = [
    ['b1', FUNCTIONS[0][0], false],
    ['b2', FUNCTIONS[1][0], true],
    ['k1', FUNCTIONS[3][0], false],
    ['k2', FUNCTIONS[4][0], true],
  ]
    .map(
      ([id, n, v2]) =>
        `(import "env" "${n}" (func $${id} (param i32 i64 i64 i64${v2 ? ' i32' : ''}) (result i32)))`,
    )
    .join('\n');
  const cases = FUNCTIONS.map(([n, v], k) => {
    const id = `${n.includes('keccak') ? 'k' : 'b'}${v === undefined ? 1 : 2}`;
    const extra = v === undefined ? '' : ` (i32.const ${v})`;
    return `(if (i32.eq (local.get $fn) (i32.const ${k})) (then
      (local.set $r (call $${id} (local.get $root) (local.get $proof) (local.get $key) (local.get $val)${extra}))))`;
  }).join('\n');
  return `(module
  (import "env" "memory" (memory 20))
  ${imports}
  (global (export "__heap_base") i32 (i32.const 0x20000))
  (data (i32.const 0x100) "${dataString(VERSION)}")
  (func $pack (param i32 i32) (result i64)
    (i64.or (i64.extend_i32_u (local.get 0)) (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32))))
  (func (export "Core_version") (param i32 i32) (result i64)
    (call $pack (i32.const 0x100) (i32.const ${VERSION.length})))
  (func (export "run") (param $p i32) (param $l i32) (result i64)
    (local $fn i32) (local $root i32) (local $at i32) (local $n i32) (local $r i32)
    (local $key i64) (local $val i64) (local $proof i64)
    (local.set $fn (i32.load8_u (local.get $p)))
    (local.set $root (i32.add (local.get $p) (i32.const 1)))
    (local.set $at (i32.add (local.get $p) (i32.const 33)))
    (local.set $n (i32.load (local.get $at)))
    (local.set $key (call $pack (i32.add (local.get $at) (i32.const 4)) (local.get $n)))
    (local.set $at (i32.add (local.get $at) (i32.add (i32.const 4) (local.get $n))))
    (local.set $n (i32.load (local.get $at)))
    (local.set $val (call $pack (i32.add (local.get $at) (i32.const 4)) (local.get $n)))
    (local.set $at (i32.add (local.get $at) (i32.add (i32.const 4) (local.get $n))))
    (local.set $proof (call $pack (local.get $at)
      (i32.sub (i32.add (local.get $p) (local.get $l)) (local.get $at))))
    (local.set $r (i32.const -1))
    ${cases}
    (i32.store (i32.const 0x1000) (local.get $r))
    (call $pack (i32.const 0x1000) (i32.const 4))))`;
}

/** The runtime's code (MVP only). */
export async function trieProofPvf(): Promise<Uint8Array> {
  const code = await wat(source());
  return Uint8Array.from([...code, ...section(0, [...name('runtime_version'), ...VERSION])]);
}

const u32le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

/** The `run` input for one call. */
export function trieProofInput(
  fn: number,
  root: Uint8Array,
  key: Uint8Array,
  value: Uint8Array,
  proof: Uint8Array,
): Uint8Array {
  return Uint8Array.from([
    fn,
    ...root,
    ...u32le(key.length),
    ...key,
    ...u32le(value.length),
    ...value,
    ...proof,
  ]);
}
