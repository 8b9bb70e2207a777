// The signature fast paths against the reference implementations they stand in front of:
// identical verdicts on every edge class and on seeded random inputs (a bounded count here;
// `npm run bench -- crypto` runs the full one), OpenSSL's acceptance inside ZIP-215's, the
// wasm instance rebuilt after a trap, and sr25519 version 1 (pre-audit signatures).
import { ristretto255 } from '@noble/curves/ed25519.js';
import * as sr from '@scure/sr25519';
import { describe, expect, it } from 'vitest';
import {
  ed25519VerifyFast,
  opensslEd25519,
  sr25519VerifyDeprecated,
  sr25519VerifyFast,
  sr25519VerifyWasm,
} from '../../../runtime/host/fast-verify.js';
import { schnorrkelRebuilds } from '../../../runtime/host/schnorrkel-wasm.js';
import { ed25519Verify, sr25519Verify } from '../../../runtime/host/signatures.js';
import {
  ed25519EdgeCases,
  randomCase,
  Rng,
  sr25519EdgeCases,
  validPool,
  type SigCase,
} from '../../support/signature-cases.js';

const RANDOM = 400; // per scheme; the bench runs 50,000

function disagreements(
  cases: readonly SigCase[],
  fast: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => boolean,
  oracle: (s: Uint8Array, m: Uint8Array, p: Uint8Array) => boolean,
): { accepted: number; bad: string[] } {
  const bad: string[] = [];
  let accepted = 0;
  for (const c of cases) {
    const f = fast(c.sig, c.msg, c.pub);
    const o = oracle(c.sig, c.msg, c.pub);
    if (o) accepted++;
    if (f !== o) bad.push(`${c.what}: fast ${f}, reference ${o}`);
  }
  return { accepted, bad };
}

describe('ed25519 fast path (OpenSSL, then ZIP-215)', () => {
  it('agrees with the ZIP-215 reference on every edge class', () => {
    const cases = ed25519EdgeCases(new Rng(1));
    const { accepted, bad } = disagreements(cases, ed25519VerifyFast, ed25519Verify);
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThan(196); // the small-order classes and the valid ones
  });

  it('OpenSSL never accepts what ZIP-215 refuses, and refuses what only ZIP-215 accepts', () => {
    const cases = ed25519EdgeCases(new Rng(2));
    let opensslOnly = 0;
    let zip215Only = 0;
    for (const c of cases) {
      const o = opensslEd25519(c.sig, c.msg, c.pub);
      const z = ed25519Verify(c.sig, c.msg, c.pub);
      if (o && !z) opensslOnly++;
      if (z && !o) zip215Only++;
    }
    expect(opensslOnly).toBe(0);
    // Negative control: the fallback is needed, OpenSSL alone refuses small-order cases.
    expect(zip215Only).toBeGreaterThan(0);
  });

  it(`agrees on ${RANDOM} seeded random inputs`, () => {
    const rng = new Rng(3);
    const pool = validPool('ed25519', rng, 20);
    const cases = Array.from({ length: RANDOM }, () => randomCase(pool, rng));
    const { accepted, bad } = disagreements(cases, ed25519VerifyFast, ed25519Verify);
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThan(RANDOM / 5);
    expect(accepted).toBeLessThan(RANDOM);
  });
});

describe('sr25519 fast path (schnorrkel wasm, then the reference)', () => {
  it('agrees with the reference on every edge class, the identity key included', () => {
    const { accepted, bad } = disagreements(
      sr25519EdgeCases(new Rng(4)),
      sr25519VerifyFast,
      sr25519Verify,
    );
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThanOrEqual(6); // valid, 64 KiB, ℓ - 1 is not, identity ×4
  });

  it(`agrees on ${RANDOM} seeded random inputs`, () => {
    const rng = new Rng(5);
    const pool = validPool('sr25519', rng, 20);
    const cases = Array.from({ length: RANDOM }, () => randomCase(pool, rng));
    const { accepted, bad } = disagreements(cases, sr25519VerifyFast, sr25519Verify);
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThan(RANDOM / 5);
  });

  it('a trapping input rebuilds the wasm instance, and the next verdicts are still right', () => {
    const secret = sr.secretFromSeed(new Uint8Array(32).fill(1));
    const pub = sr.getPublicKey(secret);
    const msg = new Uint8Array([1, 2, 3]);
    const sig = sr.sign(secret, msg);
    // A canonical, non-negative encoding that is still not a ristretto255 point: only the
    // wasm's decompression refuses it (a panic, so a trap).
    const notAPoint = new Uint8Array(32);
    for (let v = 2; ; v += 2) {
      notAPoint[0] = v;
      try {
        ristretto255.Point.fromBytes(notAPoint);
      } catch {
        break;
      }
    }
    const before = schnorrkelRebuilds;
    for (let i = 0; i < 50; i++) {
      expect(sr25519VerifyWasm(sig, msg, notAPoint)).toBe(false);
      expect(sr25519VerifyWasm(sig, msg, pub)).toBe(true);
      expect(sr25519VerifyFast(sig, msg, notAPoint)).toBe(false);
    }
    expect(schnorrkelRebuilds - before).toBe(50);
  });
});

describe('sr25519_verify version 1 (verify_deprecated: marked and pre-audit signatures)', () => {
  const secret = sr.secretFromSeed(new Uint8Array(32).fill(5));
  const pub = sr.getPublicKey(secret);
  const msg = new TextEncoder().encode('pre-audit');
  const L = ristretto255.Point.Fn.ORDER;
  const le = (n: bigint) =>
    Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse());

  /** The secret scalar: schnorrkel's "ed25519 bytes" hold it times the cofactor 8. */
  const secretScalar = () =>
    BigInt('0x' + Buffer.from(secret.subarray(0, 32)).reverse().toString('hex')) >> 3n;

  /**
   * A schnorrkel 0.1.1 signature, made as `sign` made it then: the pre-audit transcript
   * (`Transcript::new(ctx)`, `sign-bytes`, `proto-name`, `pk`, `no`, challenge ""), no marker.
   */
  function preAuditSign(r: bigint): Uint8Array {
    const { SigningContext } = sr.__tests as unknown as {
      SigningContext: new (l: string) => {
        appendMessage(l: string, m: string | Uint8Array): void;
        challengeScalar(l: string): bigint;
      };
    };
    const key = secretScalar();
    const R = ristretto255.Point.BASE.multiply(r).toBytes();
    const t = new SigningContext('substrate');
    t.appendMessage('sign-bytes', msg);
    t.appendMessage('proto-name', 'Schnorr-sig');
    t.appendMessage('pk', pub);
    t.appendMessage('no', R);
    const k = t.challengeScalar('');
    const s = (k * key + r) % L;
    return Uint8Array.from([...R, ...le(s)]);
  }

  it('the key recovered from the secret is the public key (the signer above is sound)', () => {
    const key = secretScalar();
    expect(Buffer.from(ristretto255.Point.BASE.multiply(key).toBytes())).toEqual(Buffer.from(pub));
  });

  it("accepts sp-core's schnorrkel-js vector (`verify_from_old_wasm_works`), which version 2 refuses", () => {
    // substrate/primitives/core/src/sr25519.rs, test `verify_from_old_wasm_works`: the key of
    // seed 0x00…00, message "SUBSTRATE", a signature made by the old schnorrkel-js.
    const oldPub = sr.getPublicKey(sr.secretFromSeed(new Uint8Array(32)));
    const jsSig = Uint8Array.from(
      Buffer.from(
        '28a854d54903e056f89581c691c1f7d2ff39f8f896c9e9c22475e60902cc2b3547199e0e91fa32902028f2ca2355e8cdd16cfe19ba5e8b658c94aa80f3b81a00',
        'hex',
      ),
    );
    const m = new TextEncoder().encode('SUBSTRATE');
    expect(sr25519VerifyDeprecated(jsSig, m, oldPub)).toBe(true);
    expect(sr25519VerifyFast(jsSig, m, oldPub)).toBe(false);
    expect(sr25519VerifyDeprecated(jsSig, new TextEncoder().encode('SUBSTRATf'), oldPub)).toBe(
      false,
    );
  });

  it("accepts schnorrkel's own pre-audit vector (src/sign.rs tests)", () => {
    const pub = Uint8Array.from(
      Buffer.from('b4bfa1f7a5166695eb75299fd1c4c03ea212871c342f2c5dfea0902b2c246918', 'hex'),
    );
    const sig = Uint8Array.from(
      Buffer.from(
        '5a9755f069939f45d96aaf125cf5ce7ba1db998686f87f2fb3cbdea922078741a73891ba265f70c31436e18a9acd14d189d73c12317ab6c313285cd938453202',
        'hex',
      ),
    );
    const m = new TextEncoder().encode(
      'Verifying that I am the owner of 5G9hQLdsKQswNPgB499DeA5PkFBbgkLPJWkkS6FAM6xGQ8xD. Hash: 221455a3\n',
    );
    expect(sr25519VerifyDeprecated(sig, m, pub)).toBe(true);
    expect(sr25519VerifyFast(sig, m, pub)).toBe(false);
  });

  it('accepts a pre-audit signature that version 2 refuses', () => {
    const old = preAuditSign(987654321n);
    expect(old[63]! & 0x80).toBe(0);
    expect(sr25519VerifyDeprecated(old, msg, pub)).toBe(true);
    expect(sr25519Verify(old, msg, pub)).toBe(false); // version 2 refuses: no marker
    expect(sr25519VerifyDeprecated(old, new TextEncoder().encode('other'), pub)).toBe(false);
    const flipped = old.slice();
    flipped[5]! ^= 1;
    expect(sr25519VerifyDeprecated(flipped, msg, pub)).toBe(false);
  });

  it('accepts current (marked) signatures as version 2 does; a marked pre-audit one is refused', () => {
    const sig = sr.sign(secret, msg);
    expect(sr25519VerifyDeprecated(sig, msg, pub)).toBe(true);
    const marked = preAuditSign(5n);
    marked[63]! |= 0x80;
    // Marked, so `Signature::from_bytes` succeeds and only the current transcript is tried.
    expect(sr25519VerifyDeprecated(marked, msg, pub)).toBe(false);
  });

  it('refuses a non-canonical s and a malformed key', () => {
    const old = preAuditSign(42n);
    const s = BigInt('0x' + Buffer.from(old.subarray(32)).reverse().toString('hex'));
    if (s + L < 2n ** 255n) {
      const over = Uint8Array.from([...old.subarray(0, 32), ...le(s + L)]);
      expect(sr25519VerifyDeprecated(over, msg, pub)).toBe(false);
    }
    expect(sr25519VerifyDeprecated(old, msg, new Uint8Array(32).fill(0xff))).toBe(false);
  });
});
