// Differential conformance of the allocator and host functions against an independent
// implementation: @acala-network/chopsticks-executor (smoldot's executor, allocator and host
// functions). Generated programs of malloc/free, forged headers, hashing and ordered trie
// roots (test/support/differential.ts, which lists the intended differences) must give the
// same transcript, or trap in both. CI runs a bounded count; `npx tsx
// scripts/differential.ts [count]` runs the full one.
import { describe, expect, it } from 'vitest';
import { trieRoot } from '../../../runtime/host/trie-root.js';
import { blake2_256 } from '../../../runtime/host/hash-functions.js';
import { compare, compareStateRoots, differential, program } from '../../support/differential.js';

const COUNT = Number(process.env.PVF_DIFFERENTIAL_COUNT ?? 400);

describe('allocator and host functions agree with smoldot (chopsticks-executor)', () => {
  it(`on ${COUNT} generated call sequences`, { timeout: 120_000 }, async () => {
    const d = await differential();
    const r = await compare(d, 1, COUNT);
    expect(r.first).toBeUndefined();
    expect(r.seeds).toEqual([]);
    // The corpus exercises both outcomes.
    expect(r.ok).toBeGreaterThan(COUNT / 2);
    expect(r.traps).toBeGreaterThan(0);
  });

  it('control: the comparison sees a difference (a transcript changed by one byte)', async () => {
    const d = await differential();
    const input = program(7);
    const ours = d.ours(input);
    const peer = await d.peer(input);
    expect(ours).toEqual(peer);
    const tampered = { ...d, ours: () => ({ kind: 'ok' as const, output: '0x00' }) };
    expect((await compare(tampered, 7, 1)).seeds).toEqual([7]);
  });

  it(`unordered trie roots (V0 and V1) agree with the peer's state-root calculator on ${COUNT} sets`, async () => {
    const r = await compareStateRoots(1, COUNT, (pairs, v) => trieRoot(pairs, v, blake2_256));
    expect(r.first).toBeUndefined();
    // control: a root computed with the wrong state version is seen
    const wrong = await compareStateRoots(1, 5, (pairs, v) =>
      trieRoot(pairs, v === 0 ? 1 : 0, blake2_256),
    );
    expect(wrong.seeds.length).toBeGreaterThan(0);
  });
});
