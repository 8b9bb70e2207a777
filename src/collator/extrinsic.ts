// Signed extrinsics as a Substrate wallet builds them: sp-runtime's `UncheckedExtrinsic` v4
// (substrate/primitives/runtime/src/generic/unchecked_extrinsic.rs) with a `MultiAddress::Id`
// sender and a `MultiSignature::Sr25519` signature over `(call, extra, additional_signed)`,
// hashed with blake2-256 first when longer than 256 bytes (`SignedPayload::using_encoded`).
import { compact as compactCodec } from 'scale-ts';
import type { KeyPair } from './dev-keys.js';
import { compact } from './scale.js';
import { blake2_256, concat } from './trie.js';

/** The version byte of a signed v4 extrinsic: `0b1000_0000 | 4`. */
const SIGNED_V4 = 0x84;
const MULTI_ADDRESS_ID = 0x00;
const MULTI_SIGNATURE_SR25519 = 0x01;

/** What the runtime's `SignedExtra` adds to an extrinsic and to its signed payload. */
export interface SignedExtension {
  /** The extension's bytes in the extrinsic (era, nonce, tip, …) for this nonce. */
  extra(nonce: number): Uint8Array;
  /** The implicit bytes only signed over (spec and tx versions, genesis and era hashes). */
  readonly additional: Uint8Array;
}

/** The extrinsic body (without its length prefix) of `call` signed by `signer`. */
export function signedExtrinsic(
  call: Uint8Array,
  signer: KeyPair,
  nonce: number,
  ext: SignedExtension,
): Uint8Array {
  const extra = ext.extra(nonce);
  const payload = concat([call, extra, ext.additional]);
  const signature = signer.sign(payload.length > 256 ? blake2_256(payload) : payload);
  return concat([
    Uint8Array.of(SIGNED_V4, MULTI_ADDRESS_ID),
    signer.publicKey,
    Uint8Array.of(MULTI_SIGNATURE_SR25519),
    signature,
    extra,
    call,
  ]);
}

/** Where the 64 signature bytes sit in a body built by {@link signedExtrinsic}. */
export const SIGNATURE_OFFSET = 2 + 32 + 1;

/** `Balances::transfer_keep_alive(dest: MultiAddress::Id, value: Compact<u128>)`. */
export function transferKeepAlive(
  palletIndex: number,
  callIndex: number,
  dest: Uint8Array,
  value: bigint,
): Uint8Array {
  return concat([
    Uint8Array.of(palletIndex, callIndex, MULTI_ADDRESS_ID),
    dest,
    compactCodec.enc(value),
  ]);
}

/** `CheckMortality(Era::Immortal)`, `CheckNonce(Compact<u32>)`, then the payment extension. */
export function immortalExtra(payment: Uint8Array): (nonce: number) => Uint8Array {
  return (nonce) => concat([Uint8Array.of(0x00), compact(nonce), payment]);
}
