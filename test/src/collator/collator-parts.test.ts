// The collator's building blocks against known values and second implementations: trie roots
// (the engine's trie-root and smoldot's, state versions 0 and 1), the development keys, the
// shipped PoV framing, and the storage values it reads back.
import { describe, expect, it } from 'vitest';
import { decompressAs } from '../../../runtime/blob/code-blob.js';
import { blake2_256 } from '../../../runtime/host/hash-functions.js';
import { trieRoot } from '../../../runtime/host/trie-root.js';
import { devKeyPair } from '../../../src/collator/dev-keys.js';
import { peerStateRoot } from '../../../src/collator/peer.js';
import { shippedPov } from '../../../src/collator/pov-blob.js';
import { blockWeight, readCompact } from '../../../src/collator/storage-keys.js';
import { Trie } from '../../../src/collator/trie.js';

/** A deterministic mix of shapes: shared prefixes, a key that prefixes others, long values. */
function entries(n: number): [Uint8Array, Uint8Array][] {
  const out: [Uint8Array, Uint8Array][] = [[Uint8Array.of(0x3a), Uint8Array.of(1)]];
  for (let i = 0; i < n; i++) {
    const key = blake2_256(Uint8Array.of(i, i >> 8)).subarray(0, 1 + (i % 7));
    out.push([key, new Uint8Array(i % 70).fill(i & 0xff)]);
    out.push([Uint8Array.from([...key, 7]), Uint8Array.of(i & 0xff)]);
  }
  return out;
}

describe('Trie', () => {
  it.each([0, 1] as const)(
    'computes the root the engine and smoldot compute (state v%i)',
    async (v) => {
      for (const n of [0, 1, 2, 17, 300]) {
        const e = entries(n);
        const root = new Trie(e, v).rootHash;
        expect(root).toEqual(trieRoot(e, v, blake2_256));
        expect(root).toEqual(await peerStateRoot(e, v));
      }
    },
  );

  it('lists every stored node once, and a compact proof of everything starts at the root', () => {
    const t = new Trie(entries(40), 1);
    const nodes = t.allNodes();
    expect(nodes.some((n) => Buffer.from(blake2_256(n)).equals(Buffer.from(t.rootHash)))).toBe(
      true,
    );
    const all = new Set<NonNullable<typeof t.root>>();
    const values = new Set<NonNullable<typeof t.root>>();
    for (const [k] of entries(40)) {
      const p = t.path(k);
      p.nodes.forEach((x) => all.add(x));
      if (p.found) values.add(p.found);
    }
    const compact = t.compactProof(all, values);
    // Every hashed node and every value node appear once; hashes of included children are gone.
    expect(compact).toHaveLength(nodes.length);
    expect(compact.reduce((s, n) => s + n.length, 0)).toBeLessThan(
      nodes.reduce((s, n) => s + n.length, 0),
    );
  });
});

describe('development keys', () => {
  it("are sp-core's //Alice, //Bob and //Alice//stash", () => {
    const hex = (name: string) => Buffer.from(devKeyPair(name).publicKey).toString('hex');
    expect(hex('Alice')).toBe('d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d');
    expect(hex('Bob')).toBe('8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48');
    expect(hex('Alice//stash')).toBe(
      'be5ddb1579b72e84524fc29e78609e3caf42e85aa118ebfe0b0ad404b5bdd25f',
    );
  });
});

describe('shippedPov', () => {
  it.each([0, 5, 128 * 1024, 300_001])(
    'frames %i bytes so the PoV decompressor reads them back',
    async (n) => {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31) & 0xff);
      const out = await decompressAs('pov', shippedPov(data));
      expect(out).toMatchObject({ kind: 'ok', compressed: true });
      if (out.kind === 'ok') expect(Buffer.from(out.bytes).equals(Buffer.from(data))).toBe(true);
    },
  );
});

describe('storage values', () => {
  it('reads compacts of every mode', () => {
    expect(readCompact(Uint8Array.of(0xfc), 0)).toEqual([63n, 1]);
    expect(readCompact(Uint8Array.of(0x01, 0x01), 0)).toEqual([64n, 2]);
    expect(readCompact(Uint8Array.of(0x02, 0x00, 0x01, 0x00), 0)).toEqual([16384n, 4]);
    expect(readCompact(Uint8Array.of(0x03, 0, 0, 0, 0x40), 0)).toEqual([1n << 30n, 5]);
    expect(readCompact(Uint8Array.of(0x07, 0, 0, 0, 0, 1), 0)).toEqual([1n << 32n, 6]);
  });

  it('sums System::BlockWeight in both weight formats', () => {
    // Weights v2: three (ref_time, proof_size) pairs of compacts.
    expect(blockWeight(Uint8Array.of(0x04, 0x08, 0, 0, 0x01, 0x01, 0x0c))).toEqual({
      refTime: 1n + 64n,
      proofSize: 2n + 3n,
    });
    // Weights v1: three u64.
    const v1 = Buffer.alloc(24);
    v1.writeBigUInt64LE(5n, 0);
    v1.writeBigUInt64LE(7n, 16);
    expect(blockWeight(new Uint8Array(v1))).toEqual({ refTime: 12n, proofSize: 0n });
  });
});
