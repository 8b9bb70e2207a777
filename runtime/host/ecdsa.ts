// secp256k1 public-key recovery with the acceptance rules of the two libraries behind sp-io:
// `libsecp256k1::recover` (version 1 host functions; r and s are reduced modulo n, "overflowing")
// and bitcoin-core's `secp256k1_ecdsa_recover` (version 2; r or s >= n is refused). Both then
// run the same algorithm (secp256k1 `ecdsa_sig_recover`): r = 0 or s = 0 fails; with recovery
// bit 2 the x coordinate is r + n, refused unless r < p - n; x must lift to a curve point of the
// requested parity; the message is read as a scalar modulo n; a result at infinity fails.
// High-S signatures are accepted (neither library normalises on recovery).
import { secp256k1 } from '@noble/curves/secp256k1.js';

const Point = secp256k1.Point;
const N = Point.Fn.ORDER;
const P = Point.Fp.ORDER;

export type Parsed = { r: bigint; s: bigint } | 'bad-rs';

const be = (b: Uint8Array): bigint => BigInt('0x' + (Buffer.from(b).toString('hex') || '0'));

/** Reads r || s (64 bytes, big-endian). `overflowing`: reduce modulo n; else refuse >= n. */
export function parseRS(rs: Uint8Array, overflowing: boolean): Parsed {
  const r = be(rs.subarray(0, 32));
  const s = be(rs.subarray(32, 64));
  if (overflowing) return { r: r % N, s: s % N };
  return r >= N || s >= N ? 'bad-rs' : { r, s };
}

/** The recovered public key as an uncompressed point, or undefined if recovery fails. */
export function recover(
  sig: { r: bigint; s: bigint },
  recid: number,
  msg32: Uint8Array,
): InstanceType<typeof Point> | undefined {
  const { r, s } = sig;
  if (r === 0n || s === 0n || recid < 0 || recid > 3) return undefined;
  let x = r;
  if (recid & 2) {
    if (r >= P - N) return undefined;
    x = r + N;
  }
  let R: InstanceType<typeof Point>;
  try {
    const enc = new Uint8Array(33);
    enc[0] = recid & 1 ? 3 : 2;
    enc.set(Buffer.from(x.toString(16).padStart(64, '0'), 'hex'), 1);
    R = Point.fromBytes(enc);
  } catch {
    return undefined; // x is not on the curve
  }
  const m = be(msg32) % N;
  const rInv = Point.Fn.inv(r);
  const u1 = Point.Fn.neg(Point.Fn.mul(m, rInv));
  const u2 = Point.Fn.mul(s, rInv);
  const Q = Point.BASE.multiplyUnsafe(u1).add(R.multiplyUnsafe(u2));
  return Q.is0() ? undefined : Q;
}
