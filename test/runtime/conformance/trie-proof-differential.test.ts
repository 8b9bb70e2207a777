// sp-io's `*_verify_proof` host functions against an independent implementation:
// @acala-network/chopsticks-executor (smoldot) runs the same runtime on the same generated
// proofs, valid and mutated (test/support/trie-proof-differential.ts lists the one intended
// difference). `PVF_DIFFERENTIAL_COUNT` sets the number of cases.
import { describe, expect, it } from 'vitest';
import {
  compareProofs,
  proofCase,
  proofDifferential,
} from '../../support/trie-proof-differential.js';

const COUNT = Number(process.env.PVF_DIFFERENTIAL_COUNT ?? 400);

describe('trie proof verification agrees with smoldot (chopsticks-executor)', () => {
  it(`on ${COUNT} generated proofs, valid and mutated`, { timeout: 120_000 }, async () => {
    const d = await proofDifferential();
    const r = await compareProofs(d, 1, COUNT);
    expect(r.first).toBeUndefined();
    expect(r.seeds).toEqual([]);
    // Both verdicts occur, and the intended difference was met (so it stays known).
    expect(r.accepted).toBeGreaterThan(COUNT / 20);
    expect(r.refused).toBeGreaterThan(COUNT / 5);
    expect(r.intended).toBeGreaterThan(0);
  });

  it('control: a verifier that accepts everything is caught', async () => {
    const d = await proofDifferential();
    const lax = { ...d, ours: () => ({ kind: 'bool' as const, value: 1 as const }) };
    const r = await compareProofs(lax, 1, 40);
    expect(r.seeds.length).toBeGreaterThan(0);
  });

  it('the peer refuses a node with a trailing byte, the reference and this engine accept it', async () => {
    const d = await proofDifferential();
    let seed = 1;
    for (; ; seed++) {
      const c = proofCase(seed);
      if (c.mutation !== 'trailing-byte') continue;
      const ours = d.ours(c.input);
      if (ours.kind === 'bool' && ours.value === 1) {
        expect(await d.peer(c.input)).toEqual({ kind: 'bool', value: 0 });
        break;
      }
    }
  });
});
