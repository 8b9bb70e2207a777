// Inputs for the differential tests of the signature fast paths against the reference
// implementations (test/runtime/host/fast-verify.test.ts with a bounded count, bench/crypto.ts
// with the full one; secp256k1 recovery's are in recover-cases.ts): every edge class once, then seeded random inputs built from a pool of
// valid signatures (valid, one bit flipped in signature, message or key, marker cleared, s
// pushed past the group order, random bytes, truncated or oversized).
import { ed25519, ED25519_TORSION_SUBGROUP, ristretto255 } from '@noble/curves/ed25519.js';
import * as sr from '@scure/sr25519';

export interface SigCase {
  readonly what: string;
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
  readonly pub: Uint8Array;
}

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const le = (n: bigint, len = 32) =>
  Uint8Array.from(Buffer.from(n.toString(16).padStart(len * 2, '0'), 'hex').reverse());
const leNum = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).reverse().toString('hex'));
const cat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);

/** A small deterministic generator (xorshift32), so a failing case can be replayed. */
export class Rng {
  constructor(private x = 0x9e3779b9) {}
  u32(): number {
    this.x ^= this.x << 13;
    this.x ^= this.x >>> 17;
    this.x ^= this.x << 5;
    return this.x >>> 0;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** Every encoding of the 8 small-order points, non-canonical ones (y >= p, x = 0 with sign) included. */
export function smallOrderEncodings(): Uint8Array[] {
  const out = new Map<string, Uint8Array>();
  for (const e of ED25519_TORSION_SUBGROUP) {
    const b = Uint8Array.from(Buffer.from(e, 'hex'));
    out.set(e, b);
    const y = leNum(b) & ((1n << 255n) - 1n);
    if (y + P < 1n << 255n) {
      const nc = le(y + P);
      nc[31]! |= b[31]! & 0x80;
      out.set(Buffer.from(nc).toString('hex'), nc);
    }
  }
  for (const b of [...out.values()])
    if (ed25519.Point.fromBytes(b, true).x === 0n) {
      const neg = b.slice();
      neg[31]! |= 0x80;
      out.set(Buffer.from(neg).toString('hex'), neg);
    }
  return [...out.values()];
}

/** ed25519 edge classes: small-order R and A (all 14 × 14), non-canonical points, s >= L, lengths. */
export function ed25519EdgeCases(rng: Rng): SigCase[] {
  const cases: SigCase[] = [];
  const small = smallOrderEncodings();
  const msg = new TextEncoder().encode('Zcash');
  for (const r of small)
    for (const a of small) {
      cases.push({ what: 'small-order R, A, s = 0', sig: cat(r, new Uint8Array(32)), msg, pub: a });
      cases.push({
        what: 'small-order R, A, random s',
        sig: cat(r, le(leNum(rng.bytes(32)) % L)),
        msg,
        pub: a,
      });
    }
  const sk = new Uint8Array(32).fill(7);
  const pub = ed25519.getPublicKey(sk);
  const sig = ed25519.sign(msg, sk);
  const s = leNum(sig.subarray(32));
  for (const bad of [s + L, L, 2n ** 256n - 1n, L - 1n])
    cases.push({ what: 's >= L or L - 1', sig: cat(sig.subarray(0, 32), le(bad)), msg, pub });
  // Non-canonical encodings of ordinary points: y in [p, 2^255) for the few y < 19 on the curve.
  for (let y = 0n; y < 19n; y++)
    for (const sign of [0, 0x80]) {
      const enc = le(y + P);
      enc[31]! |= sign;
      cases.push({ what: 'non-canonical A', sig, msg, pub: enc });
      cases.push({ what: 'non-canonical R', sig: cat(enc, sig.subarray(32)), msg, pub });
    }
  cases.push({ what: 'valid', sig, msg, pub });
  cases.push({ what: 'truncated signature', sig: sig.subarray(0, 63), msg, pub });
  cases.push({ what: 'oversized signature', sig: cat(sig, Uint8Array.of(0)), msg, pub });
  cases.push({ what: 'truncated key', sig, msg, pub: pub.subarray(0, 31) });
  cases.push({ what: 'oversized key', sig, msg, pub: cat(pub, Uint8Array.of(0)) });
  cases.push({
    what: 'empty message',
    sig: ed25519.sign(new Uint8Array(), sk),
    msg: new Uint8Array(),
    pub,
  });
  const big = rng.bytes(1 << 16);
  cases.push({ what: '64 KiB message', sig: ed25519.sign(big, sk), msg: big, pub });
  return cases;
}

/** sr25519 edge classes: marker bits, s >= ℓ, non-canonical and identity keys, R = [s]B, lengths. */
export function sr25519EdgeCases(rng: Rng): SigCase[] {
  const cases: SigCase[] = [];
  const secret = sr.secretFromSeed(new Uint8Array(32).fill(9));
  const pub = sr.getPublicKey(secret);
  const msg = new TextEncoder().encode('transfer');
  const sig = sr.sign(secret, msg);
  const withS = (s: bigint, marker = true) => {
    const out = cat(sig.subarray(0, 32), le(s));
    if (marker) out[63]! |= 0x80;
    return out;
  };
  const s = leNum(sig.subarray(32)) & ((1n << 255n) - 1n);
  cases.push({ what: 'valid', sig, msg, pub });
  cases.push({ what: 'no marker', sig: withS(s, false), msg, pub });
  for (const bad of [s + L, L, (1n << 255n) - 1n, L - 1n, 0n])
    cases.push({ what: 's >= ℓ, ℓ - 1 or 0', sig: withS(bad), msg, pub });
  const identity = new Uint8Array(32);
  for (const k of [0n, 1n, 12345n, L - 1n]) {
    const R = k === 0n ? identity : ristretto255.Point.BASE.multiply(k).toBytes();
    cases.push({
      what: 'identity key, R = [s]B',
      sig: withS(k, true).map((b, i) => (i < 32 ? R[i]! : b)),
      msg,
      pub: identity,
    });
    cases.push({
      what: 'identity key, R = [s]B, unmarked',
      sig: cat(R, le(k)),
      msg,
      pub: identity,
    });
  }
  cases.push({
    what: 'identity key, R = [s+1]B',
    sig: cat(ristretto255.Point.BASE.multiply(2n).toBytes(), le(1n | (1n << 255n))),
    msg,
    pub: identity,
  });
  // Non-canonical ristretto255 encodings: negative field elements (odd) and >= p.
  for (const enc of [
    le(1n),
    le(P - 1n),
    le(P),
    le(P + 2n),
    new Uint8Array(32).fill(0xff),
    le(2n ** 255n),
  ])
    cases.push(
      { what: 'non-canonical key', sig, msg, pub: enc },
      { what: 'non-canonical R', sig: cat(enc, sig.subarray(32)), msg, pub },
    );
  cases.push({ what: 'truncated signature', sig: sig.subarray(0, 63), msg, pub });
  cases.push({ what: 'oversized key', sig, msg, pub: cat(pub, Uint8Array.of(0)) });
  const big = rng.bytes(1 << 16);
  cases.push({ what: '64 KiB message', sig: sr.sign(secret, big), msg: big, pub });
  return cases;
}

export type Scheme = 'ed25519' | 'sr25519';

/** A pool of valid (sig, msg, pub) triples to mutate. */
export function validPool(scheme: Scheme, rng: Rng, size: number): SigCase[] {
  const pool: SigCase[] = [];
  for (let i = 0; i < size; i++) {
    const seed = rng.bytes(32);
    const msg = rng.bytes(rng.below(200));
    if (scheme === 'ed25519')
      pool.push({
        what: 'valid',
        sig: ed25519.sign(msg, seed),
        msg,
        pub: ed25519.getPublicKey(seed),
      });
    else {
      const secret = sr.secretFromSeed(seed);
      pool.push({ what: 'valid', sig: sr.sign(secret, msg), msg, pub: sr.getPublicKey(secret) });
    }
  }
  return pool;
}

/** One random case derived from the pool. */
export function randomCase(pool: readonly SigCase[], rng: Rng): SigCase {
  const base = pool[rng.below(pool.length)]!;
  const flip = (b: Uint8Array) => {
    const out = b.slice();
    if (out.length > 0) out[rng.below(out.length)]! ^= 1 << rng.below(8);
    return out;
  };
  switch (rng.below(8)) {
    case 0:
    case 1:
      return base;
    case 2:
      return { ...base, what: 'signature bit flipped', sig: flip(base.sig) };
    case 3:
      return { ...base, what: 'message bit flipped', msg: flip(base.msg) };
    case 4:
      return { ...base, what: 'key bit flipped', pub: flip(base.pub) };
    case 5: {
      const sig = base.sig.slice();
      sig[63]! ^= 0x80;
      return { ...base, what: 'marker bit toggled', sig };
    }
    case 6:
      return { ...base, what: 'random key', pub: rng.bytes(32) };
    default:
      return { what: 'random bytes', sig: rng.bytes(64), msg: base.msg, pub: base.pub };
  }
}
