// secp256k1 recovery on libsecp256k1, native and wasm, against the reference implementation
// (ecdsa.ts): identical keys and failures for both versions' rules on every edge class and on
// seeded random inputs (a bounded count; `npm run bench -- crypto` runs the full one), and
// identical host-function answers whichever implementation serves, through the guest-memory
// boundary (v + 27, truncated and oversized arguments included).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, describe, expect, it } from 'vitest';
import { crypto } from '../../../runtime/host/crypto.js';
import { ecdsaVerifyPrehashedFast } from '../../../runtime/host/ecdsa-fast.js';
import {
  SECP256K1_BACKENDS,
  secp256k1Backend,
  useSecp256k1Backend,
} from '../../../runtime/host/secp256k1-backend.js';
import { loadSecp256k1Native, secp256k1AddonPath } from '../../../runtime/host/secp256k1-native.js';
import { loadSecp256k1Wasm, secp256k1Rebuilds } from '../../../runtime/host/secp256k1-wasm.js';
import { ecdsaVerifyPrehashed } from '../../../runtime/host/signatures.js';
import { hostContext } from '../../support/host-context.js';
import { randomRecoverCase, recoverEdgeCases, SECP_N } from '../../support/recover-cases.js';
import { recoverDifferential, type FastBuild } from '../../support/recover-differential.js';
import { Rng } from '../../support/signature-cases.js';

const RANDOM = 400;
// The addon is built by `npm run build`; CI always builds it, so there it must be present.
const NATIVE = secp256k1AddonPath() !== undefined || process.env.CI === 'true';
const BUILDS: FastBuild[] = NATIVE ? ['native', 'wasm'] : ['wasm'];

describe('secp256k1 recovery (libsecp256k1 native and wasm, against the reference)', () => {
  afterAll(() => void useSecp256k1Backend());

  it.runIf(NATIVE)('the native build loads and is what serves', () => {
    expect(loadSecp256k1Native()).toMatch(/^libsecp256k1 from secp256k1@/);
    expect(useSecp256k1Backend().name).toBe('native');
    expect(secp256k1Backend().name).toBe('native');
  });

  it('agrees with the reference on every edge class, both versions', () => {
    loadSecp256k1Wasm();
    if (NATIVE) loadSecp256k1Native();
    const before = secp256k1Rebuilds;
    const d = recoverDifferential(recoverEdgeCases(new Rng(7)), BUILDS);
    expect(d.examples).toEqual([]);
    expect(d.disagreements).toEqual({ native: 0, wasm: 0 });
    expect(d.recovered).toBeGreaterThan(50); // ids 2/3 with small r included
    expect(secp256k1Rebuilds).toBe(before); // r, s < n is all the module is given: no trap
  });

  it(`agrees on ${RANDOM} seeded random inputs`, () => {
    const rng = new Rng(8);
    const d = recoverDifferential(
      Array.from({ length: RANDOM }, () => randomRecoverCase(rng)),
      BUILDS,
    );
    expect(d.examples).toEqual([]);
    expect(d.recovered).toBeGreaterThan(RANDOM / 2);
  });

  it('verify_prehashed agrees on real signatures, their high-S twins and tampered ones', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 40; i++) {
      const sk = rng.bytes(32);
      const hash = rng.bytes(32);
      const rec = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
      const sig = Uint8Array.from([...rec.subarray(1), rec[0]!]);
      const pub = secp256k1.getPublicKey(sk, true);
      const s = BigInt('0x' + Buffer.from(sig.subarray(32, 64)).toString('hex'));
      const high = sig.slice();
      high.set(Buffer.from((SECP_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
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

const RECOVER_FNS = [
  'ext_crypto_secp256k1_ecdsa_recover_version_1',
  'ext_crypto_secp256k1_ecdsa_recover_version_2',
  'ext_crypto_secp256k1_ecdsa_recover_compressed_version_1',
  'ext_crypto_secp256k1_ecdsa_recover_compressed_version_2',
];

/** Every recover host function's answer (SCALE bytes as hex, or the trap's text) for `sig`. */
function hostAnswers(sig: Uint8Array, hash: Uint8Array, at: 'inside' | 'at the end'): string[] {
  return RECOVER_FNS.map((name) => {
    const h = hostContext({ pages: 1, maxPages: 1 });
    // 'at the end': the argument's last bytes lie past the memory (a truncated argument).
    const sigPtr = at === 'inside' ? h.put(sig) : 65536 - sig.length;
    if (at !== 'inside') h.ctx.memory.write(sigPtr, sig);
    try {
      const out = h.call(crypto, name, sigPtr, h.put(hash)) as bigint;
      return Buffer.from(h.get(out)).toString('hex');
    } catch (e) {
      return `trap: ${e instanceof Error ? e.message : String(e)}`;
    }
  });
}

describe('the recover host functions give the same bytes whichever implementation serves', () => {
  afterAll(() => void useSecp256k1Backend());

  it('every edge class with v, v + 27, truncated and oversized signatures', () => {
    const cases = recoverEdgeCases(new Rng(10));
    const answers = new Map<string, string[][]>();
    const served: string[] = [];
    for (const backend of SECP256K1_BACKENDS) {
      if (backend === 'native' && !NATIVE) continue;
      served.push(useSecp256k1Backend(backend).name);
      const rows: string[][] = [];
      for (const c of cases) {
        const v27 = c.sig.slice();
        v27[64]! += 27;
        rows.push(hostAnswers(c.sig, c.hash, 'inside'));
        rows.push(hostAnswers(v27, c.hash, 'inside'));
        rows.push(hostAnswers(c.sig.subarray(0, 64), c.hash, 'at the end'));
        rows.push(hostAnswers(Uint8Array.from([...c.sig, 0xaa, 0xbb]), c.hash, 'inside'));
      }
      answers.set(backend, rows);
    }
    expect(served).toEqual(NATIVE ? ['native', 'wasm', 'oracle'] : ['wasm', 'oracle']);
    const reference = answers.get('oracle')!;
    for (const [backend, rows] of answers)
      expect({ backend, rows }).toEqual({ backend, rows: reference });
    const flat = reference.flat();
    // The classes are all there: keys (Ok), BadRS, BadV, BadSignature and out-of-bounds traps.
    expect(flat.some((a) => a.startsWith('00') && a.length === 2 + 128)).toBe(true);
    expect(flat.some((a) => a.startsWith('00') && a.length === 2 + 66)).toBe(true);
    for (const err of ['0100', '0101', '0102']) expect(flat).toContain(err);
    expect(flat.some((a) => a.startsWith('trap:'))).toBe(true);
  });
});
