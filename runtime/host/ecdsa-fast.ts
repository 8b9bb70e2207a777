// secp256k1 recovery and verification on libsecp256k1, native or its wasm build
// (secp256k1-backend.ts chooses once per process), with the acceptance rules of ecdsa.ts (the
// reference implementations, kept as the oracle and asked whenever the fast path cannot answer):
// version 1 reduces r and s modulo n, version 2 refuses them (BadRS). Reduction first makes both
// versions the same recovery, which libsecp256k1 then runs exactly as both reference libraries
// do (see ecdsa.ts). Verification is recovery compared with the key, as sp-core's: libsecp256k1's
// own `secp256k1_ecdsa_verify` is not used, since it refuses high-S signatures the reference
// accepts.
import { blake2_256 } from './hash-functions.js';
import { parseRS, recover } from './ecdsa.js';
import { secp256k1RecoverFast } from './secp256k1-backend.js';

// n, the group order, big-endian.
const N = Buffer.from('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141', 'hex');
const N_BIG = BigInt('0x' + N.toString('hex'));

const belowN = (x: Uint8Array): boolean =>
  Buffer.compare(Buffer.from(x.buffer, x.byteOffset, 32), N) < 0;

/**
 * r ‖ s (64 bytes) as the libraries read them: each below n as given, or (`overflowing`,
 * libsecp256k1 `parse_overflowing_slice`) reduced modulo n; 'bad-rs' where version 2 refuses.
 */
export function compactRS(rs: Uint8Array, overflowing: boolean): Uint8Array | 'bad-rs' {
  const r = rs.subarray(0, 32);
  const s = rs.subarray(32, 64);
  const rOk = belowN(r);
  const sOk = belowN(s);
  if (rOk && sOk) return rs;
  if (!overflowing) return 'bad-rs';
  // A 256-bit value is below 2n, so one subtraction reduces it.
  const out = new Uint8Array(64);
  out.set(rOk ? r : sub(r), 0);
  out.set(sOk ? s : sub(s), 32);
  return out;
}

function sub(x: Uint8Array): Uint8Array {
  const v = BigInt('0x' + Buffer.from(x).toString('hex')) - N_BIG;
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}

/**
 * The key recovered from `rs` (already through `compactRS`) with recovery id `recid` over
 * `hash32`: 33 bytes compressed or 64 bytes uncompressed without the 0x04 prefix; undefined if
 * recovery fails.
 */
export function recoverKey(
  rs: Uint8Array,
  recid: number,
  hash32: Uint8Array,
  compressed: boolean,
): Uint8Array | undefined {
  if (recid < 0 || recid > 3) return undefined;
  const fast = secp256k1RecoverFast(rs, recid, hash32, compressed);
  if (fast === null) return undefined;
  if (fast !== undefined) return compressed ? fast : fast.subarray(1);
  const parsed = parseRS(rs, false);
  const q = parsed === 'bad-rs' ? undefined : recover(parsed, recid, hash32);
  if (q === undefined) return undefined;
  return compressed ? q.toBytes(true) : q.toBytes(false).subarray(1);
}

/** `ecdsa::Pair::verify_prehashed` (version 2 rules) or `verify_deprecated`'s (overflowing). */
export function ecdsaVerifyPrehashedFast(
  sig: Uint8Array,
  msg32: Uint8Array,
  pub: Uint8Array,
  overflowing = false,
): boolean {
  const rs = compactRS(sig.subarray(0, 64), overflowing);
  if (rs === 'bad-rs') return false;
  const key = recoverKey(rs, sig[64]!, msg32, true);
  return key !== undefined && Buffer.compare(key, pub) === 0;
}

/** `ecdsa::Pair::verify` / `verify_deprecated`: the message is blake2-256 hashed first. */
export function ecdsaVerifyFast(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
  overflowing = false,
): boolean {
  return ecdsaVerifyPrehashedFast(sig, blake2_256(msg), pub, overflowing);
}
