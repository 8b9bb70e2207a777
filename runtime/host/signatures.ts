// Signature verification with the reference's exact acceptance rules (sp-core, used by sp-io's
// crypto interface). Each returns false, never throws, for any malformed input.
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { verify as schnorrkelVerify } from '@scure/sr25519';
import { blake2_256 } from './hash-functions.js';
import { parseRS, recover } from './ecdsa.js';

/**
 * sp-core `ed25519::Pair::verify`, i.e. ed25519-zebra (ZIP-215): A and R may be non-canonical
 * encodings (y >= p, or x = 0 with the sign bit set) but must decode to curve points; S must be
 * canonical (< L); the challenge hashes the bytes as given; the check is cofactored, so
 * small-order keys and R are accepted. @noble/curves' `zip215: true` implements these rules.
 */
export function ed25519Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    return ed25519.verify(sig, msg, pub, { zip215: true });
  } catch {
    return false;
  }
}

const SCHNORRKEL_IDENTITY = new Uint8Array(32);

/**
 * sp-core `sr25519::Pair::verify` = schnorrkel `verify_simple(b"substrate", msg, sig)`: the
 * signature must carry schnorrkel's marker bit (byte 63, bit 7), s must be canonical, the key a
 * canonical ristretto255 encoding. @scure/sr25519 implements this except that it refuses the
 * identity key, which schnorrkel accepts (there `R == [s]B` verifies, whatever the message):
 * that case is decided here as schnorrkel decides it.
 */
export function sr25519Verify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    if (!equalBytes(pub, SCHNORRKEL_IDENTITY)) return schnorrkelVerify(msg, sig, pub);
    if ((sig[63]! & 0x80) === 0) return false;
    const sBytes = sig.slice(32, 64);
    sBytes[31]! &= 0x7f;
    const s = BigInt('0x' + Buffer.from(sBytes).reverse().toString('hex'));
    if (s >= ristretto255.Point.Fn.ORDER) return false;
    const R = ristretto255.Point.fromBytes(sig.subarray(0, 32));
    return ristretto255.Point.BASE.multiplyUnsafe(s).equals(R);
  } catch {
    return false;
  }
}

/**
 * sp-core `ecdsa::Signature::recover_prehashed` compared with a compressed key: the recovery
 * byte must be 0..=3 (no 27/28 offset here), r and s refused at or above n (`verify`, version 2)
 * or reduced modulo n (`verify_deprecated`, version 1).
 */
export function ecdsaVerifyPrehashed(
  sig: Uint8Array,
  msg32: Uint8Array,
  pub: Uint8Array,
  overflowing = false,
): boolean {
  const rs = parseRS(sig.subarray(0, 64), overflowing);
  if (rs === 'bad-rs') return false;
  const q = recover(rs, sig[64]!, msg32);
  return q !== undefined && equalBytes(q.toBytes(true), pub);
}

/** `ecdsa::Pair::verify` (`overflowing` = `verify_deprecated`): the message is blake2-256 hashed first. */
export function ecdsaVerify(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
  overflowing = false,
): boolean {
  return ecdsaVerifyPrehashed(sig, blake2_256(msg), pub, overflowing);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
