// Differential conformance of the allocator and host functions against an independent
// implementation: @acala-network/chopsticks-executor (smoldot's executor, allocator and host
// functions). Generated programs of malloc/free, forged headers, hashing and ordered trie
// roots (test/support/differential.ts, which lists the intended differences) must give the
// same transcript, or trap in both. CI runs a bounded count; `npx tsx
// scripts/differential.ts [count]` runs the full one.
import { describe, expect, it } from 'vitest';
import { compare, differential, program } from '../../support/differential.js';

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
});
