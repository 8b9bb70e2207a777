// sp-io `trie` interface (substrate/primitives/io/src/lib.rs, `trait Trie`): trie roots of the
// given items, versions 1 (LayoutV0) and 2 (state version chosen by the caller). The root is
// returned in a host-allocated 32-byte buffer. `*_verify_proof` is not served (see registry).
import { HostTrap } from '../engine/traps.js';
import { host, type HostContext, type HostFamily } from './context.js';
import { blake2_256, keccak_256 } from './hash-functions.js';
import { fatBytes, returnPointer } from './marshal.js';
import { Tuple } from 'scale-ts';
import { bytes, Vec } from '../codec/strict.js';
import { decodeArg } from './scale-args.js';
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

const blakeRoot = root(blake2_256);
const blakeOrdered = ordered(blake2_256);
const keccakRoot = root(keccak_256);
const keccakOrdered = ordered(keccak_256);

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
};
