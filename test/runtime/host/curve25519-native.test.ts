// The native sr25519 and ed25519 verification (addons/curve25519, runtime/host/curve25519-native.ts)
// against their oracles: for sr25519 schnorrkel's own wasm build and @scure/sr25519, for ed25519
// OpenSSL with the ZIP-215 fallback and @noble/curves' ZIP-215 check (the reference
// implementations of signatures.ts). Where the CPU has AVX-512 IFMA, every case runs through the
// addon twice, with its vector code (addons/curve25519/ifma.h) and with libsodium's alone, and
// both must give the reference's verdict. Bounded counts here; `npm run bench -- crypto` runs
// the full count.
import { spawnSync } from 'node:child_process';
import * as sr from '@scure/sr25519';
import { describe, expect, it } from 'vitest';
import {
  ed25519VerifyFast,
  ed25519VerifyOpenssl,
  sr25519VerifyFast,
  sr25519VerifyWasm,
} from '../../../runtime/host/fast-verify.js';
import { ed25519Verify, sr25519Verify } from '../../../runtime/host/signatures.js';
import {
  NATIVE_CRYPTO_ENV,
  curve25519Backend,
  curve25519Vector,
  ed25519VerifyNative,
  setCurve25519Vector,
  sr25519VerifyNative,
  withoutCurve25519Vector,
} from '../../../runtime/host/curve25519-native.js';
import {
  ed25519EdgeCases,
  randomCase,
  Rng,
  smallOrderEncodings,
  sr25519EdgeCases,
  validPool,
  type SigCase,
} from '../../support/signature-cases.js';
import { CPU_HAS_IFMA } from '../../support/cpu.js';

const RANDOM = 2_000;
const built = curve25519Backend.kind === 'native';
// CI builds the addon (scripts/build.mjs); elsewhere a machine without a C compiler may lack it.
const describeNative = built || process.env.CI ? describe : describe.skip;
if (!built && !process.env.CI)
  console.warn(`native curve25519 tests skipped: ${curve25519Backend.detail} (run npm run build)`);

/**
 * The addon's verdict with its vector code and with libsodium's alone (the same call twice where
 * the vector code does not serve); callers report any difference between the two.
 */
function bothPaths<T>(verify: () => T): { value: T; serial: T } {
  return { serial: withoutCurve25519Vector(verify), value: verify() };
}

/** Cases where any of the three disagree, as "what: native x, wasm y, reference z". */
function disagreements(cases: readonly SigCase[]): { accepted: number; bad: string[] } {
  const bad: string[] = [];
  let accepted = 0;
  for (const c of cases) {
    const { value: n, serial } = bothPaths(() => sr25519VerifyNative(c.sig, c.msg, c.pub));
    if (serial !== n) bad.push(`${c.what}: native ${n} with the vector code, ${serial} without`);
    const w = sr25519VerifyWasm(c.sig, c.msg, c.pub);
    const r = sr25519Verify(c.sig, c.msg, c.pub);
    // Inputs of another shape are not the addon's (undefined): the next implementation decides.
    const shaped = c.sig.length === 64 && c.pub.length === 32;
    if (r) accepted++;
    if ((shaped ? n : (n ?? r)) !== r || w !== r || sr25519VerifyFast(c.sig, c.msg, c.pub) !== r)
      bad.push(`${c.what}: native ${n}, wasm ${w}, reference ${r}`);
  }
  return { accepted, bad };
}

/** Little-endian 32 bytes of `v`. */
function le32(v: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex').reverse());
}

describeNative('native sr25519 verification', () => {
  it('is the backend in use, loaded from the build', () => {
    expect(curve25519Backend.kind).toBe('native');
    expect(curve25519Backend.detail).toMatch(/curve25519\.node(; avx512ifma)?$/);
  });

  it('runs its vector code exactly where /proc/cpuinfo lists AVX-512 IFMA, and can turn it off', () => {
    expect(curve25519Vector).toBe(CPU_HAS_IFMA ? 'avx512ifma' : 'none');
    expect(curve25519Backend.detail.endsWith('; avx512ifma')).toBe(CPU_HAS_IFMA);
    expect(setCurve25519Vector(false)).toBe(false);
    expect(setCurve25519Vector(true)).toBe(CPU_HAS_IFMA);
  });

  it('agrees with schnorrkel wasm and the reference on every edge class', () => {
    const { accepted, bad } = disagreements(sr25519EdgeCases(new Rng(41)));
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThanOrEqual(6);
  });

  it(`agrees on ${RANDOM} seeded random inputs`, () => {
    const rng = new Rng(42);
    const pool = validPool('sr25519', rng, 20);
    const cases = Array.from({ length: RANDOM }, () => randomCase(pool, rng));
    const { accepted, bad } = disagreements(cases);
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThan(RANDOM / 5);
    expect(accepted).toBeLessThan(RANDOM);
  });

  it('agrees at every message length across the transcript rate (0..400 bytes)', () => {
    // STROBE-128 absorbs 166 bytes a permutation: lengths around 1 and 2 blocks matter most.
    const secret = sr.secretFromSeed(new Uint8Array(32).fill(3));
    const pub = sr.getPublicKey(secret);
    const cases: SigCase[] = [];
    for (let len = 0; len <= 400; len++) {
      const msg = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
      const sig = sr.sign(secret, msg);
      cases.push({ what: `length ${len}`, sig, msg, pub });
      if (len > 0) cases.push({ what: `length ${len}, last byte`, sig, msg: msg.subarray(1), pub });
    }
    const { accepted, bad } = disagreements(cases);
    expect(bad).toEqual([]);
    expect(accepted).toBe(401);
  });

  it('refuses s at and above ℓ, accepts the signature with s < ℓ, and never reads R as a point', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const secret = sr.secretFromSeed(new Uint8Array(32).fill(9));
    const pub = sr.getPublicKey(secret);
    const msg = new Uint8Array([7]);
    const sig = sr.sign(secret, msg);
    const s =
      BigInt('0x' + Buffer.from(sig.subarray(32)).reverse().toString('hex')) & ~(1n << 255n);
    const withS = (v: bigint, r = sig.subarray(0, 32)) => {
      const out = new Uint8Array(64);
      out.set(r, 0);
      out.set(le32(v), 32);
      out[63]! |= 0x80;
      return out;
    };
    expect(sr25519VerifyNative(withS(s), msg, pub)).toBe(true);
    // s + ℓ is the same scalar, but not canonical: schnorrkel's `check_scalar` refuses it.
    expect(sr25519VerifyNative(withS(s + L), msg, pub)).toBe(false);
    expect(sr25519Verify(withS(s + L), msg, pub)).toBe(false);
    expect(sr25519VerifyNative(withS(L), msg, pub)).toBe(false);
    // R bytes that are no ristretto255 point: compared as bytes, so just a refusal.
    expect(sr25519VerifyNative(withS(s, new Uint8Array(32).fill(0xff)), msg, pub)).toBe(false);
  });

  it('answers undefined for arguments of another shape, so the next implementation decides', () => {
    const sig = new Uint8Array(64);
    sig[63] = 0x80;
    expect(sr25519VerifyNative(sig.subarray(0, 63), new Uint8Array(), new Uint8Array(32))).toBe(
      undefined,
    );
    expect(sr25519VerifyNative(sig, new Uint8Array(), new Uint8Array(33))).toBe(undefined);
  });

  it(`${NATIVE_CRYPTO_ENV}=0 keeps the addon out of the process (control: unset loads it)`, () => {
    const probe = (env: Record<string, string>) => {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          "import('./runtime/host/curve25519-native.ts').then(m => console.log(m.curve25519Backend.kind))",
        ],
        { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 },
      );
      return r.stdout.trim();
    };
    expect(probe({ [NATIVE_CRYPTO_ENV]: '0' })).toBe('fallback');
    expect(probe({ [NATIVE_CRYPTO_ENV]: '1' })).toBe('native');
  });
});

/** ed25519 cases where the addon, OpenSSL + ZIP-215 and the ZIP-215 reference disagree. */
function edDisagreements(cases: readonly SigCase[]): { accepted: number; bad: string[] } {
  const bad: string[] = [];
  let accepted = 0;
  for (const c of cases) {
    const { value: n, serial } = bothPaths(() => ed25519VerifyNative(c.sig, c.msg, c.pub));
    if (serial !== n) bad.push(`${c.what}: native ${n} with the vector code, ${serial} without`);
    const o = ed25519VerifyOpenssl(c.sig, c.msg, c.pub);
    const r = ed25519Verify(c.sig, c.msg, c.pub);
    const shaped = c.sig.length === 64 && c.pub.length === 32;
    if (r) accepted++;
    if ((shaped ? n : (n ?? r)) !== r || o !== r || ed25519VerifyFast(c.sig, c.msg, c.pub) !== r)
      bad.push(`${c.what}: native ${n}, OpenSSL + ZIP-215 ${o}, reference ${r}`);
  }
  return { accepted, bad };
}

describeNative('native ed25519 verification (ZIP-215)', () => {
  it('agrees with OpenSSL + ZIP-215 and the reference on every edge class', () => {
    const { accepted, bad } = edDisagreements(ed25519EdgeCases(new Rng(51)));
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThan(196); // the small-order classes and the valid ones
  });

  it(`agrees on ${RANDOM} seeded random inputs`, () => {
    const rng = new Rng(52);
    const pool = validPool('ed25519', rng, 20);
    const cases = Array.from({ length: RANDOM }, () => randomCase(pool, rng));
    const { accepted, bad } = edDisagreements(cases);
    expect(bad).toEqual([]);
    expect(accepted).toBeGreaterThan(RANDOM / 5);
    expect(accepted).toBeLessThan(RANDOM);
  });

  it('every small-order key and R with s = 0 and s = 1, each encoding with its sign bit flipped', () => {
    // ZIP-215: [8](R - [k]A - [s]B) = 0 holds for small-order R and A exactly when [8][s]B = 0,
    // so s = 0 is accepted and s = 1 refused, for canonical and non-canonical encodings alike.
    const encodings = smallOrderEncodings().flatMap((e) => {
      const flipped = e.slice();
      flipped[31]! ^= 0x80;
      return [e, flipped];
    });
    const cases: SigCase[] = [];
    for (const a of encodings)
      for (const r of encodings)
        for (const s of [0, 1]) {
          const sig = new Uint8Array(64);
          sig.set(r, 0);
          sig[32] = s;
          cases.push({
            what: `A ${Buffer.from(a).toString('hex')} R ${Buffer.from(r).toString('hex')} s ${s}`,
            sig,
            msg: new Uint8Array([s]),
            pub: a,
          });
        }
    const { bad } = edDisagreements(cases);
    expect(bad).toEqual([]);
  });
});
