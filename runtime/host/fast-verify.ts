// The signature checks the crypto host functions call: fast paths in front of the reference
// implementations of signatures.ts, which stay the oracle. Each fast path either decides with
// exactly the reference's verdict or hands the input to the oracle; the differential test
// (test/runtime/host/fast-verify.test.ts, and the full count in `npm run bench -- crypto`)
// compares the two over random inputs and every edge class.
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { __tests as scureInternals } from '@scure/sr25519';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { schnorrkelVerifySimple } from './schnorrkel-wasm.js';
import { ed25519Verify, sr25519Verify } from './signatures.js';
import { ed25519VerifyNative, sr25519VerifyNative } from './curve25519-native.js';

/**
 * ed25519-zebra's (ZIP-215) verdict: the native addon (curve25519-native.ts) where it is built
 * and loaded; else Node's OpenSSL first, the exact ZIP-215 check where OpenSSL refuses.
 *
 * Why "OpenSSL accepts" implies "ZIP-215 accepts" (openssl crypto/ec/curve25519.c,
 * `ossl_ed25519_verify` and `ge_frombytes_vartime`, 3.0 and later, as shipped in Node ≥ 20):
 * OpenSSL accepts only if (1) s < L (an explicit byte comparison), (2) the key bytes decode to
 * a curve point A (y read as the low 255 bits and reduced mod p, x = ±sqrt((y²-1)/(dy²+1))
 * chosen by bit 255, failing only when no square root exists), (3) with
 * h = SHA-512(R_bytes ‖ A_bytes ‖ M) mod L, the canonical encoding of [s]B - [h]A equals
 * R_bytes. ed25519-zebra 4 (`VerificationKey::verify`, ZIP-215) accepts iff s < L (the
 * signature's S must be canonical), A_bytes and R_bytes decompress (curve25519-dalek
 * `CompressedEdwardsY::decompress`: the same low-255-bit y reduced mod p, the same sign rule,
 * so the same point A as OpenSSL, non-canonical encodings included), and
 * [8]([s]B - [k]A - R) = 0 with k = SHA-512(R_bytes ‖ A_bytes ‖ M) mod L, the very h above.
 * Given (3), R_bytes is a canonical encoding of P = [s]B - [h]A, so it decompresses to P, and
 * [8](P - P) = 0: zebra accepts. The converse does not hold (non-canonical R, small-order
 * components, cofactored equality), which is why a refusal goes to the exact check.
 */
export function ed25519VerifyFast(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  return ed25519VerifyNative(sig, msg, pub) ?? ed25519VerifyOpenssl(sig, msg, pub);
}

/** The same verdict without the native addon: OpenSSL, then ZIP-215 where OpenSSL refuses. */
export function ed25519VerifyOpenssl(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  return opensslEd25519(sig, msg, pub) || ed25519Verify(sig, msg, pub);
}

/** OpenSSL's strict RFC 8032 verification; false for anything it refuses or cannot load. */
export function opensslEd25519(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    // A JWK import is about 6x cheaper than an SPKI DER one here and, like it, does not
    // validate the point: the decoding happens in the verification, as analysed above.
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub).toString('base64url') },
      format: 'jwk',
    });
    return nodeVerify(null, msg, key, sig);
  } catch {
    return false;
  }
}

/**
 * sp-core `sr25519::Pair::verify` (schnorrkel `verify_simple`, context "substrate"): the native
 * addon (curve25519-native.ts) where it is built and loaded, else schnorrkel itself compiled to
 * wasm (sr25519VerifyWasm).
 */
export function sr25519VerifyFast(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  return sr25519VerifyNative(sig, msg, pub) ?? sr25519VerifyWasm(sig, msg, pub);
}

/**
 * The same verdict from schnorrkel's wasm build; where it traps (malformed key or signature,
 * which the reference refuses) or cannot run, the reference implementation decides.
 */
export function sr25519VerifyWasm(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  // schnorrkel `Signature::from_bytes`: no marker bit is `NotMarkedSchnorrkel`, a refusal.
  // Decided here so that the common malformed case does not trap the wasm.
  if ((sig[63]! & 0x80) === 0) return false;
  if (pub.length === 32 && !canonicalNonNegative(pub)) return false;
  return schnorrkelVerifySimple(sig, msg, pub) ?? sr25519Verify(sig, msg, pub);
}

/**
 * The two byte-level conditions of ristretto255 decoding (curve25519-dalek
 * `CompressedRistretto::decompress`, RFC 9496 4.3.1): the field element s must be canonically
 * encoded (< p = 2^255 - 19, bit 255 clear) and non-negative (even). A key failing either is
 * refused by `PublicKey::from_bytes`; deciding it here spares the wasm a trap and a rebuild,
 * which is what malformed keys would otherwise cost.
 */
function canonicalNonNegative(b: Uint8Array): boolean {
  if ((b[0]! & 1) !== 0 || (b[31]! & 0x80) !== 0) return false;
  // Values in [p, 2^255): 0x7f, then 30 bytes of 0xff, then a low byte >= 0xed.
  if (b[31] !== 0x7f || b[0]! < 0xed) return true;
  for (let i = 1; i < 31; i++) if (b[i] !== 0xff) return true;
  return false;
}

const L = ristretto255.Point.Fn.ORDER;
const leBig = (b: Uint8Array): bigint =>
  BigInt('0x' + (Buffer.from(b).reverse().toString('hex') || '0'));
const { SigningContext } = scureInternals as unknown as { SigningContext: TranscriptClass };
interface Transcript {
  appendMessage(label: string | Uint8Array, message: string | Uint8Array): void;
  challengeScalar(label: string): bigint;
}
type TranscriptClass = new (label: string) => Transcript;

/**
 * sp-core `sr25519::Pair::verify_deprecated` (what sp-io's `sr25519_verify` version 1 calls:
 * substrate/primitives/io/src/lib.rs:2401 @01e5c617, `trait Crypto`, `fn sr25519_verify`
 * without a version attribute; substrate/primitives/core/src/sr25519.rs, `impl Pair {
 * fn verify_deprecated }`):
 * `PublicKey::from_bytes(pub)` then schnorrkel `verify_simple_preaudit_deprecated(b"substrate",
 * msg, sig)` (schnorrkel 0.11 src/sign.rs): a signature that `Signature::from_bytes` accepts
 * (marker bit set, s canonical) is verified as by `verify_simple`; any other is re-read with the
 * marker forced on (`from_bytes_not_distinguished_from_ed25519`, so s must still be canonical)
 * and checked against the pre-audit transcript: `Transcript::new(ctx)`, `sign-bytes` = msg,
 * `proto-name` = "Schnorr-sig", `pk` = the key bytes, `no` = R bytes, k = challenge "" (64
 * bytes mod ℓ); accepted iff compress([k](-A) + [s]B) = R bytes.
 */
export function sr25519VerifyDeprecated(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
): boolean {
  if ((sig[63]! & 0x80) !== 0) return sr25519VerifyFast(sig, msg, pub);
  try {
    const s = leBig(sig.subarray(32, 64)); // bit 255 is clear: the marker is absent
    if (s >= L) return false; // `check_scalar`: ScalarFormatError
    const A = ristretto255.Point.fromBytes(pub); // `PublicKey::from_bytes`, identity included
    const t = new SigningContext('substrate');
    t.appendMessage('sign-bytes', msg);
    t.appendMessage('proto-name', 'Schnorr-sig');
    t.appendMessage('pk', pub);
    t.appendMessage('no', sig.subarray(0, 32));
    const k = t.challengeScalar('');
    const R = ristretto255.Point.BASE.multiplyUnsafe(s).add(A.negate().multiplyUnsafe(k));
    return equal(R.toBytes(), sig.subarray(0, 32));
  } catch {
    return false; // the key is not a canonical ristretto255 encoding
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
