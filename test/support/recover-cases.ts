// Inputs for the secp256k1 recovery differential (test/runtime/host/ecdsa-fast.test.ts with a
// bounded count, bench/crypto.ts with the full one): every edge class of the two references'
// acceptance rules once, then seeded random inputs.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Rng } from './signature-cases.js';

export interface RecoverCase {
  readonly what: string;
  /** r ‖ s ‖ v as the host functions receive it (v 0..=3, or 4 and 5: out of range). */
  readonly sig: Uint8Array;
  readonly hash: Uint8Array;
}

const Point = secp256k1.Point;
export const SECP_N = Point.Fn.ORDER;
export const SECP_P = Point.Fp.ORDER;
const be = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const num = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).toString('hex'));
const rsv = (r: bigint, s: bigint, v: number) => Uint8Array.from([...be(r), ...be(s), v]);

/** Is `x` (< p) the x coordinate of a curve point (x³ + 7 a square mod p)? */
function onCurve(x: bigint): boolean {
  const Fp = Point.Fp;
  const y2 = Fp.add(Fp.pow(x, 3n), 7n);
  try {
    return Fp.eql(Fp.sqr(Fp.sqrt(y2)), y2);
  } catch {
    return false; // no square root
  }
}

/** The smallest x >= `from` that is (`want`) or is not a curve x coordinate. */
function firstX(from: bigint, want: boolean): bigint {
  let x = from;
  while (onCurve(x) !== want) x++;
  return x;
}

/**
 * secp256k1 edge classes: high s, overflowing and zero r/s, recovery ids 2/3 (x = r + n below
 * and at p), x off the curve (for x = r and for x = r + n), a result at infinity, recovery ids
 * out of range, a zero hash and one above n.
 */
export function recoverEdgeCases(rng: Rng): RecoverCase[] {
  const out: RecoverCase[] = [];
  const hash = rng.bytes(32);
  const r0 = num(rng.bytes(32)) % SECP_N;
  const s0 = num(rng.bytes(32)) % SECP_N;
  const offCurve = firstX(1n, false);
  let rHigh = 1n;
  while (onCurve(rHigh + SECP_N)) rHigh++;
  // The largest r whose x = r + n is on the curve: the last r that ids 2/3 can recover from.
  let rTop = SECP_P - SECP_N - 1n;
  while (!onCurve(rTop + SECP_N)) rTop--;
  for (let v = 0; v < 6; v++) {
    out.push({ what: `v ${v}`, sig: rsv(r0, s0, v), hash });
    out.push({ what: 'high s', sig: rsv(r0, SECP_N - 1n, v), hash });
    out.push({ what: 'r = 0', sig: rsv(0n, s0, v), hash });
    out.push({ what: 's = 0', sig: rsv(r0, 0n, v), hash });
    out.push({ what: 'r = n', sig: rsv(SECP_N, s0, v), hash });
    out.push({ what: 's = n', sig: rsv(r0, SECP_N, v), hash });
    out.push({ what: 'r = n - 1', sig: rsv(SECP_N - 1n, s0, v), hash });
    out.push({ what: 'r + n (overflowing)', sig: rsv(r0 % (2n ** 256n - SECP_N), s0, v), hash });
    out.push({ what: 'r, s = 2^256 - 1', sig: rsv(2n ** 256n - 1n, 2n ** 256n - 1n, v), hash });
    out.push({
      what: 's + n (overflowing)',
      sig: rsv(r0, (s0 % (2n ** 256n - SECP_N)) + SECP_N, v),
      hash,
    });
    out.push({ what: 'x = r off the curve', sig: rsv(offCurve, s0, v), hash });
    out.push({ what: 'x = r + n off the curve', sig: rsv(rHigh, s0, v), hash });
    out.push({
      what: 'overflowing r whose reduction is off the curve',
      sig: rsv(offCurve + SECP_N, s0, v),
      hash,
    });
    // x = r + n within the field, i.e. r < p - n: recovery ids 2 and 3 can succeed.
    for (let k = 1n; k < 12n; k++)
      out.push({ what: 'small r (x = r + n < p)', sig: rsv(k, s0, v), hash });
    out.push({ what: 'r = p - n (x = p)', sig: rsv(SECP_P - SECP_N, s0, v), hash });
    out.push({ what: 'r = p - n - 1', sig: rsv(SECP_P - SECP_N - 1n, s0, v), hash });
    out.push({ what: 'largest r with x = r + n on the curve', sig: rsv(rTop, s0, v), hash });
  }
  // Q = r⁻¹(sR − mG) is the point at infinity when m = s·k for R = kG: recovery must fail.
  for (let i = 0; i < 4; i++) {
    const k = (num(rng.bytes(32)) % (SECP_N - 1n)) + 1n;
    const R = Point.BASE.multiply(k).toAffine();
    if (R.x >= SECP_N) continue;
    const s = (num(rng.bytes(32)) % (SECP_N - 1n)) + 1n;
    const m = (s * k) % SECP_N;
    out.push({ what: 'result at infinity', sig: rsv(R.x, s, Number(R.y & 1n)), hash: be(m) });
    out.push({ what: 'one off infinity', sig: rsv(R.x, s, Number(R.y & 1n)), hash: be(m + 1n) });
  }
  out.push({ what: 'zero hash', sig: rsv(r0, s0, 0), hash: new Uint8Array(32) });
  out.push({ what: 'hash >= n', sig: rsv(r0, s0, 1), hash: new Uint8Array(32).fill(0xff) });
  return out;
}

/** Random (r, s, v) over random hashes: mostly recoverable, some ids 2/3 and overflowing values. */
export function randomRecoverCase(rng: Rng): RecoverCase {
  const sig = rng.bytes(65);
  sig[64] = rng.below(5);
  if (rng.below(4) === 0) sig.fill(0xff, 0, 16); // overflowing r
  if (rng.below(4) === 0) sig.fill(0, 0, 17); // r small enough for ids 2/3
  if (rng.below(8) === 0) sig.fill(0xff, 32, 48); // overflowing s
  return { what: 'random', sig, hash: rng.bytes(32) };
}
