// The hash functions behind sp-crypto-hashing (blake2b, keccak, sha2-256, xxhash64), from
// hash-wasm. Chosen by measurement on this machine (bench/hashing.ts): hash-wasm's blake2b-256
// takes 0.6 µs for 16 bytes and 58 µs for 64 KiB against @noble/hashes' 8.5 µs and 1.5 ms, and
// its keccak and sha2 are 2-12x faster too; these run on every storage key a runtime touches.
// hash-wasm only builds hashers asynchronously, so they are built once here (top-level await)
// and reused: host functions never re-enter, so one instance per algorithm is safe.
import { createBLAKE2b, createKeccak, createSHA256, createXXHash64, type IHasher } from 'hash-wasm';

const [b128, b256, k256, k512, s256, x0, x1, x2, x3] = await Promise.all([
  createBLAKE2b(128),
  createBLAKE2b(256),
  createKeccak(256),
  createKeccak(512),
  createSHA256(),
  createXXHash64(0, 0),
  createXXHash64(1, 0),
  createXXHash64(2, 0),
  createXXHash64(3, 0),
]);

function run(h: IHasher, data: Uint8Array): Uint8Array {
  h.init();
  h.update(data);
  return h.digest('binary');
}

export const blake2_128 = (data: Uint8Array): Uint8Array => run(b128!, data);
export const blake2_256 = (data: Uint8Array): Uint8Array => run(b256!, data);
export const keccak_256 = (data: Uint8Array): Uint8Array => run(k256!, data);
export const keccak_512 = (data: Uint8Array): Uint8Array => run(k512!, data);
export const sha2_256 = (data: Uint8Array): Uint8Array => run(s256!, data);

/**
 * sp-crypto-hashing `twox_{64,128,256}`: xxhash64 with seeds 0..n-1, each 64-bit result in
 * little-endian order (`finish().to_le_bytes()`); hash-wasm prints the canonical big-endian form.
 */
export function twox(data: Uint8Array, words: 1 | 2 | 4): Uint8Array {
  const out = new Uint8Array(8 * words);
  const hashers = [x0!, x1!, x2!, x3!];
  for (let k = 0; k < words; k++) out.set(run(hashers[k]!, data).reverse(), 8 * k);
  return out;
}
