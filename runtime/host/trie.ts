// sp-io `trie` interface (substrate/primitives/io/src/lib.rs:1532–1787 @01e5c617, `trait Trie`;
// `*_verify_proof` at :1705, :1721, :1747, :1763): trie roots of the given items, versions 1
// (LayoutV0) and 2 (state version chosen by the caller), returned in a host-allocated 32-byte
// buffer; and proof verification, `verify_trie_proof::<Layout>(&root,
// proof, &[(key, Some(value))]).is_ok()` (trie-proof.ts), returned as a bool (0 / 1).
import { HostTrap } from '../engine/traps.js';
import { host, type HostContext, type HostFamily } from './context.js';
import { blake2_256, keccak_256 } from './hash-functions.js';
import { fatBytes, fixedBytes, returnPointer } from './marshal.js';
import { Tuple } from 'scale-ts';
import { bytes, Vec } from '../codec/strict.js';
import { decodeArg } from './scale-args.js';
import { layoutV0, layoutV1, verifyProof } from './trie-proof.js';
import { orderedTrieRoot, trieRoot, type Hasher, type StateVersion } from './trie-root.js';

/** `StateVersion` passed as u8 (the i32 truncated): 0 = V0, 1 = V1, anything else is refused. */
function stateVersion(v: number): StateVersion {
  const byte = v & 0xff;
  if (byte !== 0 && byte !== 1) throw new HostTrap('host-error', `invalid state version ${byte}`);
  return byte;
}

/** `Vec<(Vec<u8>, Vec<u8>)>` and `Vec<Vec<u8>>`, the `input` arguments. */
const PAIRS = Vec(Tuple(bytes, bytes));
const VALUES = Vec(bytes);
const pairs = (ctx: HostContext, input: bigint) =>
  decodeArg(PAIRS, fatBytes(ctx, input, 'trie input'), 'trie input');
const values = (ctx: HostContext, input: bigint) =>
  decodeArg(VALUES, fatBytes(ctx, input, 'trie input'), 'trie input');

const root = (hash: Hasher) => ({
  v1: host('(i64)->i32', (ctx, input: bigint) =>
    returnPointer(ctx, trieRoot(pairs(ctx, input), 0, hash)),
  ),
  v2: host('(i64,i32)->i32', (ctx, input: bigint, version: number) => {
    const items = pairs(ctx, input);
    return returnPointer(ctx, trieRoot(items, stateVersion(version), hash));
  }),
});

const ordered = (hash: Hasher) => ({
  v1: host('(i64)->i32', (ctx, input: bigint) =>
    returnPointer(ctx, orderedTrieRoot(values(ctx, input), 0, hash)),
  ),
  v2: host('(i64,i32)->i32', (ctx, input: bigint, version: number) => {
    const items = values(ctx, input);
    return returnPointer(ctx, orderedTrieRoot(items, stateVersion(version), hash));
  }),
});

/**
 * `*_verify_proof(root: PassPointerAndReadCopy<H256, 32>, proof: PassFatPointerAndDecodeSlice<
 * &[Vec<u8>]>, key: &[u8], value: &[u8][, version: StateVersion]) -> bool`. A bad pointer, a
 * proof that is not a SCALE `Vec<Vec<u8>>` or a bad state version traps, as argument passing
 * fails in the reference; anything about the proof itself is `false`.
 */
const verify = (hash: Hasher) => {
  const check = (
    ctx: HostContext,
    rootPtr: number,
    proofArg: bigint,
    keyArg: bigint,
    valueArg: bigint,
    version: StateVersion,
  ) => {
    const root = fixedBytes(ctx, rootPtr >>> 0, 32, 'trie proof root');
    const proof = values(ctx, proofArg);
    const key = fatBytes(ctx, keyArg, 'trie proof key');
    const value = fatBytes(ctx, valueArg, 'trie proof value');
    const layout = version === 0 ? layoutV0(hash) : layoutV1(hash);
    return verifyProof(layout, root, proof, [[key, value]]).ok ? 1 : 0;
  };
  return {
    v1: host('(i32,i64,i64,i64)->i32', (ctx, r: number, p: bigint, k: bigint, v: bigint) =>
      check(ctx, r, p, k, v, 0),
    ),
    v2: host(
      '(i32,i64,i64,i64,i32)->i32',
      (ctx, r: number, p: bigint, k: bigint, v: bigint, version: number) =>
        check(ctx, r, p, k, v, stateVersion(version)),
    ),
  };
};

const blakeRoot = root(blake2_256);
const blakeOrdered = ordered(blake2_256);
const keccakRoot = root(keccak_256);
const keccakOrdered = ordered(keccak_256);
const blakeVerify = verify(blake2_256);
const keccakVerify = verify(keccak_256);

export const trie: HostFamily = {
  /** `blake2_256_root(Vec<(Vec<u8>, Vec<u8>)>) -> H256`, LayoutV0. */
  ext_trie_blake2_256_root_version_1: blakeRoot.v1,
  /** `blake2_256_root(items, StateVersion) -> H256` */
  ext_trie_blake2_256_root_version_2: blakeRoot.v2,
  /** `blake2_256_ordered_root(Vec<Vec<u8>>) -> H256`, LayoutV0, keys = Compact(index). */
  ext_trie_blake2_256_ordered_root_version_1: blakeOrdered.v1,
  /** `blake2_256_ordered_root(values, StateVersion) -> H256` */
  ext_trie_blake2_256_ordered_root_version_2: blakeOrdered.v2,
  /** `keccak_256_root(Vec<(Vec<u8>, Vec<u8>)>) -> H256`, LayoutV0. */
  ext_trie_keccak_256_root_version_1: keccakRoot.v1,
  /** `keccak_256_root(items, StateVersion) -> H256` */
  ext_trie_keccak_256_root_version_2: keccakRoot.v2,
  /** `keccak_256_ordered_root(Vec<Vec<u8>>) -> H256`, LayoutV0. */
  ext_trie_keccak_256_ordered_root_version_1: keccakOrdered.v1,
  /** `keccak_256_ordered_root(values, StateVersion) -> H256` */
  ext_trie_keccak_256_ordered_root_version_2: keccakOrdered.v2,
  /** `blake2_256_verify_proof(root, proof, key, value) -> bool`, LayoutV0. */
  ext_trie_blake2_256_verify_proof_version_1: blakeVerify.v1,
  /** `blake2_256_verify_proof(root, proof, key, value, StateVersion) -> bool` */
  ext_trie_blake2_256_verify_proof_version_2: blakeVerify.v2,
  /** `keccak_256_verify_proof(root, proof, key, value) -> bool`, LayoutV0. */
  ext_trie_keccak_256_verify_proof_version_1: keccakVerify.v1,
  /** `keccak_256_verify_proof(root, proof, key, value, StateVersion) -> bool` */
  ext_trie_keccak_256_verify_proof_version_2: keccakVerify.v2,
};
