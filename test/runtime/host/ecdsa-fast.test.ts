// secp256k1 recovery on libsecp256k1's wasm build against the reference implementation
// (ecdsa.ts): identical keys and failures for both versions' rules on every edge class and on
// seeded random inputs (a bounded count; `npm run bench -- crypto` runs the full one).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { parseRS, recover } from '../../../runtime/host/ecdsa.js';
import {
  compactRS,
  ecdsaVerifyPrehashedFast,
  recoverKey,
} from '../../../runtime/host/ecdsa-fast.js';
import { secp256k1Rebuilds } from '../../../runtime/host/secp256k1-wasm.js';
import { ecdsaVerifyPrehashed } from '../../../runtime/host/signatures.js';
import {
  randomRecoverCase,
  recoverEdgeCases,
  Rng,
  type RecoverCase,
} from '../../support/signature-cases.js';

const RANDOM = 400;

/** Both sides' answer as text: the key, "fail" or "bad-rs". */
function both(c: RecoverCase, overflowing: boolean, compressed: boolean): [string, string] {
  const hex = (k: Uint8Array | undefined) =>
    k === undefined ? 'fail' : Buffer.from(k).toString('hex');
  const v = c.sig[64]!;
  const fastRs = compactRS(c.sig.subarray(0, 64), overflowing);
  const fast = fastRs === 'bad-rs' ? 'bad-rs' : hex(recoverKey(fastRs, v, c.hash, compressed));
  const refRs = parseRS(c.sig.subarray(0, 64), overflowing);
  let ref = 'bad-rs';
  if (refRs !== 'bad-rs') {
    const q = recover(refRs, v, c.hash);
    ref = hex(
      q === undefined ? undefined : compressed ? q.toBytes(true) : q.toBytes(false).subarray(1),
    );
  }
  return [fast, ref];
}

function disagreements(cases: readonly RecoverCase[]): { recovered: number; bad: string[] } {
  const bad: string[] = [];
  let recovered = 0;
  for (const c of cases)
    for (const overflowing of [false, true])
      for (const compressed of [false, true]) {
        const [fast, ref] = both(c, overflowing, compressed);
        if (ref.length > 10) recovered++;
        if (fast !== ref)
          bad.push(`${c.what} (overflowing ${overflowing}): fast ${fast}, reference ${ref}`);
      }
  return { recovered, bad };
}

describe('secp256k1 recovery (libsecp256k1 wasm, then the reference)', () => {
  it('agrees with the reference on every edge class, both versions', () => {
    const before = secp256k1Rebuilds;
    const { recovered, bad } = disagreements(recoverEdgeCases(new Rng(7)));
    expect(bad).toEqual([]);
    expect(recovered).toBeGreaterThan(50); // ids 2/3 with small r included
    expect(secp256k1Rebuilds).toBe(before); // r, s < n is all the module is given: no trap
  });

  it(`agrees on ${RANDOM} seeded random inputs`, () => {
    const rng = new Rng(8);
    const { recovered, bad } = disagreements(
      Array.from({ length: RANDOM }, () => randomRecoverCase(rng)),
    );
    expect(bad).toEqual([]);
    expect(recovered).toBeGreaterThan(RANDOM / 2);
  });

  it('verify_prehashed agrees on real signatures, their high-S twins and tampered ones', () => {
    const rng = new Rng(9);
    const n = secp256k1.Point.Fn.ORDER;
    for (let i = 0; i < 40; i++) {
      const sk = rng.bytes(32);
      const hash = rng.bytes(32);
      const rec = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
      const sig = Uint8Array.from([...rec.subarray(1), rec[0]!]);
      const pub = secp256k1.getPublicKey(sk, true);
      const s = BigInt('0x' + Buffer.from(sig.subarray(32, 64)).toString('hex'));
      const high = sig.slice();
      high.set(Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex'), 32);
      high[64]! ^= 1;
      const tampered = sig.slice();
      tampered[rng.below(64)]! ^= 1 << rng.below(8);
      for (const [x, expected] of [
        [sig, true],
        [high, true],
        [tampered, undefined],
      ] as const) {
        const f = ecdsaVerifyPrehashedFast(x, hash, pub);
        expect(f).toBe(ecdsaVerifyPrehashed(x, hash, pub));
        if (expected !== undefined) expect(f).toBe(expected);
      }
    }
  });
});
