// sp-io `hashing` interface (substrate/primitives/io/src/lib.rs:3190–3358 @01e5c617, `trait
// Hashing`; the version-1 functions at :3192, :3213, :3234, :3255, :3276, :3297, :3318, :3339),
// version 1 of each function: hash the bytes at the fat pointer, return a pointer to a
// host-allocated digest.
import { host, type HostContext, type HostFamily } from './context.js';
import * as h from './hash-functions.js';
import { memoized } from './hash-memo.js';
import { fatBytes, returnPointer } from './marshal.js';

// Each digest is computed from a view of guest memory (no copy in) before the allocation that
// receives it (which may grow memory and detach the view), then copied out once. Digests of
// short inputs come from a memo (see hash-memo.ts): the returned array is never modified.
const digest = (fn: (data: Uint8Array) => Uint8Array) => {
  const hash = memoized(fn);
  return host('(i64)->i32', (ctx: HostContext, data: bigint) =>
    returnPointer(ctx, hash(fatBytes(ctx, data, 'hash input'))),
  );
};

export const hashing: HostFamily = {
  /** `keccak_256(data) -> [u8; 32]` */
  ext_hashing_keccak_256_version_1: digest(h.keccak_256),
  /** `keccak_512(data) -> [u8; 64]` */
  ext_hashing_keccak_512_version_1: digest(h.keccak_512),
  /** `sha2_256(data) -> [u8; 32]` */
  ext_hashing_sha2_256_version_1: digest(h.sha2_256),
  /** `blake2_128(data) -> [u8; 16]` */
  ext_hashing_blake2_128_version_1: digest(h.blake2_128),
  /** `blake2_256(data) -> [u8; 32]` */
  ext_hashing_blake2_256_version_1: digest(h.blake2_256),
  /** `twox_256(data) -> [u8; 32]`: xxhash64 with seeds 0-3. */
  ext_hashing_twox_256_version_1: digest((d) => h.twox(d, 4)),
  /** `twox_128(data) -> [u8; 16]`: xxhash64 with seeds 0-1. */
  ext_hashing_twox_128_version_1: digest((d) => h.twox(d, 2)),
  /** `twox_64(data) -> [u8; 8]`: xxhash64 with seed 0. */
  ext_hashing_twox_64_version_1: digest((d) => h.twox(d, 1)),
};
