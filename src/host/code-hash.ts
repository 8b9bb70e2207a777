// Code hashes on the host side: BLAKE2b-256 of the code blob as given (the reference's
// `ValidationCodeHash`, polkadot/primitives: `BlakeTwo256::hash(&code)` of the on-chain,
// possibly compressed, code). Hashing a large runtime takes milliseconds, so the hash of a
// given Uint8Array object is remembered (callers that resubmit the same bytes pay it once).
import { codeHash } from '../../runtime/blob/code-hash.js';
import { HostRequestError } from './errors.js';

const known = new WeakMap<Uint8Array, Uint8Array>();

/** BLAKE2b-256 of `code`; memoised per object. Do not mutate code you have submitted. */
export function codeHashOf(code: Uint8Array): Uint8Array {
  let h = known.get(code);
  if (h === undefined) {
    h = codeHash(code);
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
