// `ValidationCodeHash`: BLAKE2b-256 of the validation code exactly as submitted on chain, i.e.
// of the compressed blob, prefix included (polkadot-primitives `ValidationCode::hash`,
// `BlakeTwo256::hash(&self.0)`; since polkadot-sdk #5142 the PVF host keys artifacts by it too).
// Uses the host's BLAKE2b (hash-wasm): 2 MB hashes in a few ms where @noble/hashes took ~130 ms
// (bench/blob.ts).
import { blake2_256 } from '../host/hash-functions.js';

/** The 32-byte code hash of `blob` as submitted (compressed form, not the decompressed wasm). */
export function codeHash(blob: Uint8Array): Uint8Array {
  return blake2_256(blob);
}

/** {@link codeHash} as `0x`-prefixed lowercase hex, the form Polkadot tools print. */
export function codeHashHex(blob: Uint8Array): string {
  return '0x' + Buffer.from(codeHash(blob)).toString('hex');
}
