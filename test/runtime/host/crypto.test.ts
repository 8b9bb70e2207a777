// Crypto host functions with the reference's acceptance rules: known vectors, invalid
// signatures, malformed keys, and the edge cases where libraries disagree (ZIP-215 small-order
// points, schnorrkel's identity key, overflowing ECDSA scalars, high-S, recovery bytes).
import { ed25519, ED25519_TORSION_SUBGROUP, ristretto255 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { blake2b } from '@noble/hashes/blake2.js';
import * as sr from '@scure/sr25519';
import { describe, expect, it } from 'vitest';
import { HostTrap } from '../../../runtime/engine/traps.js';
import { crypto } from '../../../runtime/host/crypto.js';
import { hex, unhex } from '../../support/fixtures.js';
import { hostContext } from '../../support/host-context.js';

const t = new TextEncoder();

function verify(name: string, sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): number {
  const h = hostContext();
  return h.call(crypto, name, h.put(sig), h.fat(msg), h.put(pub)) as number;
}

describe('ed25519_verify (ed25519-zebra / ZIP-215)', () => {
  // RFC 8032, 7.1 TEST 1.
  const pub = unhex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const sig = unhex(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  );
  const ed = (s: Uint8Array, m: Uint8Array, p: Uint8Array) =>
    verify('ext_crypto_ed25519_verify_version_1', s, m, p);

  it('accepts the RFC 8032 vector and refuses a changed message or signature', () => {
    expect(ed(sig, new Uint8Array(), pub)).toBe(1);
    expect(ed(sig, Uint8Array.of(0), pub)).toBe(0);
    const bad = sig.slice();
    bad[10]! ^= 1;
    expect(ed(bad, new Uint8Array(), pub)).toBe(0);
  });

  it('refuses a non-canonical S (S + L)', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const s = BigInt('0x' + Buffer.from(sig.subarray(32)).reverse().toString('hex')) + L;
    const big = sig.slice();
    big.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse(), 32);
    expect(ed(big, new Uint8Array(), pub)).toBe(0);
  });

  it('refuses a key that is not a curve point', () => {
    let y = 2;
    const key = new Uint8Array(32);
    for (; ; y++) {
      key[0] = y;
      try {
        ed25519.Point.fromBytes(key, true);
      } catch {
        break;
      }
    }
    expect(ed(sig, new Uint8Array(), key)).toBe(0);
  });

  it('accepts all 196 small-order (R, A) combinations with S = 0, as ZIP-215 requires', () => {
    const P = 2n ** 255n - 19n;
    const encodings = new Set<string>(ED25519_TORSION_SUBGROUP);
    for (const e of ED25519_TORSION_SUBGROUP) {
      const b = unhex(e);
      const y = BigInt('0x' + Buffer.from(b).reverse().toString('hex')) & ((1n << 255n) - 1n);
      if (y + P < 1n << 255n) {
        const nc = Buffer.from((y + P).toString(16).padStart(64, '0'), 'hex').reverse();
        nc[31]! |= b[31]! & 0x80;
        encodings.add(nc.toString('hex'));
      }
    }
    for (const e of [...encodings]) {
      if (ed25519.Point.fromBytes(unhex(e), true).x === 0n) {
        const b = unhex(e);
        b[31]! |= 0x80;
        encodings.add(hex(b).slice(2));
      }
    }
    expect(encodings.size).toBe(14);
    let accepted = 0;
    let strict = 0;
    for (const r of encodings)
      for (const a of encodings) {
        const s = new Uint8Array(64);
        s.set(unhex(r));
        accepted += ed(s, t.encode('Zcash'), unhex(a));
        // Negative control: RFC 8032 strict verification refuses most of these.
        try {
          strict += ed25519.verify(s, t.encode('Zcash'), unhex(a), { zip215: false }) ? 1 : 0;
        } catch {
          /* refused */
        }
      }
    expect(accepted).toBe(196);
    expect(strict).toBeLessThan(196);
  });
});

describe('sr25519_verify version 2 (schnorrkel verify_simple, context "substrate")', () => {
  const secret = sr.secretFromSeed(new Uint8Array(32).fill(1));
  const pub = sr.getPublicKey(secret);
  const msg = t.encode('hello');
  const sig = sr.sign(secret, msg);
  const v = (s: Uint8Array, m: Uint8Array, p: Uint8Array) =>
    verify('ext_crypto_sr25519_verify_version_2', s, m, p);

  it('accepts a signature, refuses a changed message or a missing schnorrkel marker', () => {
    expect(v(sig, msg, pub)).toBe(1);
    expect(v(sig, t.encode('hellO'), pub)).toBe(0);
    const unmarked = sig.slice();
    unmarked[63]! &= 0x7f;
    expect(v(unmarked, msg, pub)).toBe(0);
  });

  it('refuses a malformed key', () => {
    expect(v(sig, msg, new Uint8Array(32).fill(0xff))).toBe(0);
  });

  it('accepts R = [s]B under the identity key, as schnorrkel does (@scure refuses it)', () => {
    const s = 12345n;
    const forged = new Uint8Array(64);
    forged.set(ristretto255.Point.BASE.multiply(s).toBytes());
    forged.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex').reverse(), 32);
    forged[63]! |= 0x80;
    const identity = new Uint8Array(32);
    expect(v(forged, t.encode('anything'), identity)).toBe(1);
    expect(sr.verify(t.encode('anything'), forged, identity)).toBe(false); // negative control
  });
});

describe('ecdsa and secp256k1 recovery', () => {
  const sk = new Uint8Array(32).fill(0x42);
  const msg = t.encode('test message');
  const hash = blake2b(msg, { dkLen: 32 });
  const rec = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
  const rsv = new Uint8Array(65);
  rsv.set(rec.subarray(1), 0);
  rsv[64] = rec[0]!;
  const pubC = secp256k1.getPublicKey(sk, true);
  const pubU = secp256k1.getPublicKey(sk, false);
  const N = secp256k1.Point.Fn.ORDER;
  const withS = (s: bigint, v: number) => {
    const out = rsv.slice();
    out.set(Buffer.from(s.toString(16).padStart(64, '0'), 'hex'), 32);
    out[64] = v;
    return out;
  };
  const s0 = BigInt(hex(rsv.subarray(32, 64)));

  it('verify v2 accepts the signature and its high-S twin, refuses other keys', () => {
    const v2 = (s: Uint8Array, p = pubC) => verify('ext_crypto_ecdsa_verify_version_2', s, msg, p);
    expect(v2(rsv)).toBe(1);
    expect(v2(withS(N - s0, rsv[64]! ^ 1))).toBe(1);
    expect(v2(rsv, secp256k1.getPublicKey(new Uint8Array(32).fill(7), true))).toBe(0);
    const v27 = rsv.slice();
    v27[64]! += 27; // no 27/28 offset in verify
    expect(v2(v27)).toBe(0);
  });

  it('an overflowing s (s + n) verifies only in version 1', () => {
    if (s0 + N >= 2n ** 256n) return; // cannot be expressed; the other vectors cover version 1
    const over = withS(s0 + N, rsv[64]!);
    expect(verify('ext_crypto_ecdsa_verify_version_1', over, msg, pubC)).toBe(1);
    expect(verify('ext_crypto_ecdsa_verify_version_2', over, msg, pubC)).toBe(0);
  });

  it('verify_prehashed takes the 32-byte hash', () => {
    const h = hostContext();
    expect(
      h.call(
        crypto,
        'ext_crypto_ecdsa_verify_prehashed_version_1',
        h.put(rsv),
        h.put(hash),
        h.put(pubC),
      ),
    ).toBe(1);
  });

  const recover = (name: string, sig: Uint8Array, m = hash) => {
    const h = hostContext();
    return hex(h.get(h.call(crypto, name, h.put(sig), h.put(m)) as bigint));
  };

  it('recovers the key (v 0/1 or 27/28) as SCALE Ok, both versions', () => {
    const ok = '0x00' + hex(pubU.subarray(1)).slice(2);
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_2', rsv)).toBe(ok);
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_1', rsv)).toBe(ok);
    const v27 = rsv.slice();
    v27[64]! += 27;
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_2', v27)).toBe(ok);
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_compressed_version_2', rsv)).toBe(
      '0x00' + hex(pubC).slice(2),
    );
  });

  it('maps failures to EcdsaVerifyError: BadV, BadRS (v2 only), BadSignature', () => {
    const badV = rsv.slice();
    badV[64] = 4;
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_2', badV)).toBe('0x0101');
    const rIsN = rsv.slice();
    rIsN.set(Buffer.from(N.toString(16), 'hex'), 0);
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_2', rIsN)).toBe('0x0100');
    // Version 1 reduces r = n to 0, which cannot be recovered.
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_1', rIsN)).toBe('0x0102');
    const zeroS = withS(0n, rsv[64]!);
    expect(recover('ext_crypto_secp256k1_ecdsa_recover_version_2', zeroS)).toBe('0x0102');
  });
});

describe('batch verification (register_only functions)', () => {
  it('ANDs every batch_verify between start and finish; misuse traps like the reference', () => {
    const h = hostContext();
    const secret = sr.secretFromSeed(new Uint8Array(32).fill(3));
    const msg = t.encode('m');
    const good = sr.sign(secret, msg);
    const args = (s: Uint8Array) => [h.put(s), h.fat(msg), h.put(sr.getPublicKey(secret))] as const;
    expect(() => h.call(crypto, 'ext_crypto_finish_batch_verify_version_1')).toThrow(HostTrap);
    h.call(crypto, 'ext_crypto_start_batch_verify_version_1');
    expect(() => h.call(crypto, 'ext_crypto_start_batch_verify_version_1')).toThrow(
      /VerificationExt/,
    );
    expect(h.call(crypto, 'ext_crypto_sr25519_batch_verify_version_1', ...args(good))).toBe(1);
    expect(h.call(crypto, 'ext_crypto_finish_batch_verify_version_1')).toBe(1);
    h.call(crypto, 'ext_crypto_start_batch_verify_version_1');
    expect(
      h.call(crypto, 'ext_crypto_sr25519_batch_verify_version_1', ...args(new Uint8Array(64))),
    ).toBe(0);
    expect(h.call(crypto, 'ext_crypto_sr25519_batch_verify_version_1', ...args(good))).toBe(1);
    expect(h.call(crypto, 'ext_crypto_finish_batch_verify_version_1')).toBe(0);
  });

  it('keystore functions trap: validation has no keystore', () => {
    const h = hostContext();
    expect(() => h.call(crypto, 'ext_crypto_sr25519_generate_version_1', 0, 0n)).toThrow(
      /No `keystore`/,
    );
  });
});
