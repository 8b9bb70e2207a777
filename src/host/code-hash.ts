// Code hashes on the host side: BLAKE2b-256 of the code blob as given (the reference's
// `ValidationCodeHash`, polkadot/primitives: `BlakeTwo256::hash(&code)` of the on-chain,
// possibly compressed, code). Hashing a large runtime takes milliseconds, so the hash of a
// given Uint8Array object is remembered (callers that resubmit the same bytes pay it once).
//
// The same hash function as the worker's (runtime/blob/code-hash.ts, hash-wasm's BLAKE2b), but
// its hasher is built here on first need instead of by a top-level `await` at import: the
// host's module graph has none, so `require('pvf-runtime')` works (Node ≥ 20.19 loads an ES
// module graph synchronously only without top-level await). `ValidationHost.create` awaits
// `loadCodeHasher()` before any request can hash.
import { createBLAKE2b, type IHasher } from 'hash-wasm';
import { HostRequestError } from './errors.js';

const known = new WeakMap<Uint8Array, Uint8Array>();
let hasher: IHasher | undefined;
let loading: Promise<void> | undefined;

/** Builds the BLAKE2b-256 hasher once (hash-wasm builds it asynchronously). */
export function loadCodeHasher(): Promise<void> {
  loading ??= createBLAKE2b(256).then((h) => void (hasher = h));
  return loading;
}

/**
 * BLAKE2b-256 of `code`; memoised per object. Do not mutate code you have submitted.
 * Needs `loadCodeHasher()` to have resolved (the host awaits it when it is created).
 */
export function codeHashOf(code: Uint8Array): Uint8Array {
  let h = known.get(code);
  if (h === undefined) {
    if (hasher === undefined) throw new Error('codeHashOf before loadCodeHasher() resolved');
    hasher.init();
    hasher.update(code);
    h = hasher.digest('binary');
    known.set(code, h);
  }
  return h;
}

export const hexOf = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** A code hash as 32 bytes, from bytes or `0x`-hex. @throws {HostRequestError} */
export function parseCodeHash(h: Uint8Array | string): Uint8Array {
  if (typeof h === 'string') {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(h))
      throw new HostRequestError('codeHash must be 32 bytes of hex');
    return new Uint8Array(Buffer.from(h.replace(/^0x/, ''), 'hex'));
  }
  if (!(h instanceof Uint8Array) || h.length !== 32)
    throw new HostRequestError('codeHash must be 32 bytes');
  return h;
}
