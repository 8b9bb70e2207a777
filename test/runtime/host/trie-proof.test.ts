// Compact trie proofs as trie-db verifies them (verify.rs) with sp-trie's layouts and codec:
// trie-db's own proof tests (proof/mod.rs) on the same entries, error for error; generated
// tries and multi-key proofs; and the host functions' failure classes, which all return
// false and never trap, while malformed arguments trap as in the reference.
import { describe, expect, it } from 'vitest';
import { HostTrap } from '../../../runtime/engine/traps.js';
import { bytes, Vec } from '../../../runtime/codec/strict.js';
import { blake2_256, keccak_256 } from '../../../runtime/host/hash-functions.js';
import { trie } from '../../../runtime/host/trie.js';
import { decodeNode } from '../../../runtime/host/trie-node.js';
import {
  layoutV0,
  layoutV1,
  verifyProof,
  type ProofItem,
  type ProofLayout,
} from '../../../runtime/host/trie-proof.js';
import { trieRoot, type Hasher } from '../../../runtime/host/trie-root.js';
import { rng } from '../../support/differential.js';
import { hostContext } from '../../support/host-context.js';
import { generatedTrie } from '../../support/trie-proof-gen.js';

const t = (s: string) => new TextEncoder().encode(s);
const zeros = new Uint8Array(32);
/** trie-db proof/mod.rs `test_entries`. */
const ENTRIES: [Uint8Array, Uint8Array][] = [
  [t('alfa'), zeros],
  [t('bravo'), t('bravo')],
  [t('do'), t('verb')],
  [t('dog'), t('puppy')],
  [t('doge'), zeros],
  [t('horse'), t('stallion')],
  [t('house'), t('building')],
];

const LAYOUTS: [string, ProofLayout, 0 | 1, Hasher][] = [
  ['V0 blake2', layoutV0(blake2_256), 0, blake2_256],
  ['V1 blake2', layoutV1(blake2_256), 1, blake2_256],
  ['V0 keccak', layoutV0(keccak_256), 0, keccak_256],
  ['V1 keccak', layoutV1(keccak_256), 1, keccak_256],
];

/** trie-db's `test_generate_proof`: the proof of `keys` and each key's value in the trie. */
function generate(entries: [Uint8Array, Uint8Array][], keys: Uint8Array[], v: 0 | 1, h: Hasher) {
  const trie = generatedTrie(entries, v, h);
  return {
    root: trie.root,
    proof: trie.proof(keys),
    items: keys.map((k) => [k, trie.get(k)] as ProofItem),
  };
}

describe.each(LAYOUTS)("trie-db's proof tests, %s", (_, layout, v, h) => {
  it('the generated root is the trie root', () => {
    expect(generate(ENTRIES, [], v, h).root).toEqual(trieRoot(ENTRIES, v, h));
  });

  it('proves presence and absence (trie_proof_works_without_ext)', () => {
    const keys = ['do', 'dog', 'doge', 'bravo', 'alfabet', 'd', 'do\x10', 'halp'].map(t);
    const { root, proof, items } = generate(ENTRIES, keys, v, h);
    expect(verifyProof(layout, root, proof, items)).toEqual({ ok: true });
  });

  it('proves absence in the empty trie (trie_proof_works_for_empty_trie)', () => {
    const { root, proof, items } = generate([], ['alpha', 'bravo', '\x42\x42'].map(t), v, h);
    expect(proof).toEqual([Uint8Array.of(0)]);
    expect(verifyProof(layout, root, proof, items)).toEqual({ ok: true });
  });

  const fails = (
    proofKeys: string[],
    items: ProofItem[],
    error: string,
    edit = (p: Uint8Array[]) => p,
  ) => {
    const { root, proof } = generate(ENTRIES, proofKeys.map(t), v, h);
    expect(verifyProof(layout, root, edit(proof), items)).toEqual({ ok: false, error });
  };

  it('refuses a duplicate key', () =>
    fails(
      ['bravo'],
      [
        [t('bravo'), t('bravo')],
        [t('bravo'), t('bravo')],
      ],
      'DuplicateKey',
    ));
  it('refuses an extraneous node', () =>
    fails(['bravo', 'do'], [[t('bravo'), t('bravo')]], 'ExtraneousNode'));
  it('refuses an extraneous value', () =>
    fails(
      ['doge'],
      [
        [t('do'), t('verb')],
        [t('doge'), zeros],
      ],
      'ExtraneousValue',
    ));
  it('refuses a value that makes an inline node longer than a hash', () =>
    fails(['bravo'], [[t('bravo'), zeros]], 'InvalidChildReference'));
  it('refuses a value where the proof shows none (some to none)', () =>
    fails(
      ['horse'],
      [
        [t('horse'), t('stallion')],
        [t('halp'), t('plz')],
      ],
      'ValueMismatch',
    ));
  it('refuses no value where the proof shows one (none to some)', () =>
    fails(
      ['alfa', 'bravo'],
      [
        [t('alfa'), zeros],
        [t('bravo'), undefined],
      ],
      'ValueMismatch',
    ));
  it('refuses a proof missing a node', () =>
    fails(['alfa'], [[t('alfa'), zeros]], 'IncompleteProof', (p) => p.slice(0, -1)));
  it('refuses a wrong value (root mismatch)', () =>
    fails(['bravo'], [[t('bravo'), t('incorrect')]], 'RootMismatch'));
  it('refuses a node that does not decode', () =>
    fails(['bravo'], [[t('bravo'), t('bravo')]], 'DecodeError', (p) => [
      t('this is not a trie node'),
      ...p,
    ]));
  it('refuses a hash reference on a key path (the proof of another key)', () => {
    // alfa's proof keeps the root's reference to the "d…" subtrie as a hash.
    const { root } = generate(ENTRIES, [], v, h);
    const other = generate(ENTRIES, [t('alfa')], v, h).proof;
    expect(decodeNode(other[0]!).kind).toBe('branch');
    expect(verifyProof(layout, root, other, [[t('dog'), t('puppy')]])).toEqual({
      ok: false,
      error: 'ExtraneousHashReference',
    });
  });
  it('accepts no items only with no proof', () => {
    expect(verifyProof(layout, zeros, [], [])).toEqual({ ok: true });
    expect(verifyProof(layout, zeros, [Uint8Array.of(0)], [])).toEqual({
      ok: false,
      error: 'ExtraneousNode',
    });
  });
});

describe('generated tries', () => {
  it('every multi-key proof verifies, and dropping any node breaks it', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const int = (n: number) => Math.floor(r() * n);
      const [, layout, v, h] = LAYOUTS[int(LAYOUTS.length)]!;
      const key = () => Uint8Array.from({ length: int(4) }, () => (r() < 0.5 ? int(3) : int(256)));
      const val = () =>
        Uint8Array.from({ length: r() < 0.4 ? 31 + int(5) : int(70) }, () => int(256));
      const pairs: [Uint8Array, Uint8Array][] = Array.from({ length: int(40) }, () => [
        key(),
        val(),
      ]);
      const keys = Array.from({ length: 1 + int(5) }, () =>
        r() < 0.6 && pairs.length ? pairs[int(pairs.length)]![0] : key(),
      );
      const unique = [...new Map(keys.map((k) => [Buffer.from(k).toString('hex'), k])).values()];
      const { root, proof, items } = generate(pairs, unique, v, h);
      expect(root).toEqual(trieRoot(pairs, v, h));
      expect(verifyProof(layout, root, proof, items), `seed ${seed}`).toEqual({ ok: true });
      for (let k = 0; k < proof.length; k++)
        expect(
          verifyProof(
            layout,
            root,
            proof.filter((_, j) => j !== k),
            items,
          ).ok,
          `seed ${seed} drop ${k}`,
        ).toBe(false);
    }
  });
});

describe('ext_trie_*_verify_proof host functions', () => {
  const PROOF = Vec(bytes);
  const big = Uint8Array.from({ length: 40 }, (_, k) => k);
  const pairs: [Uint8Array, Uint8Array][] = [
    [t('short'), t('v')],
    [t('shore'), t('inline')],
    [t('large'), big],
    [t('a'), new Uint8Array(0)],
  ];
  /** Calls `name` (version 2 when `version` is given) and returns its i32 result. */
  const call = (
    name: string,
    root: Uint8Array,
    proof: Uint8Array,
    key: Uint8Array,
    value: Uint8Array,
    version?: number,
  ) => {
    const c = hostContext();
    const args = [c.put(root), c.fat(proof), c.fat(key), c.fat(value)];
    return version === undefined
      ? c.call(trie, name, ...args)
      : c.call(trie, name, ...args, version);
  };
  const B1 = 'ext_trie_blake2_256_verify_proof_version_1';
  const B2 = 'ext_trie_blake2_256_verify_proof_version_2';
  const K1 = 'ext_trie_keccak_256_verify_proof_version_1';
  const K2 = 'ext_trie_keccak_256_verify_proof_version_2';
  const case_ = (v: 0 | 1, h: Hasher, key: string) => {
    const g = generatedTrie(pairs, v, h);
    return { root: g.root, nodes: g.proof([t(key)]), value: g.get(t(key)) ?? t('absent') };
  };

  it('returns true for a valid proof (both hashers, both versions)', () => {
    for (const [name, h, v] of [
      [B1, blake2_256, undefined],
      [B2, blake2_256, 0],
      [B2, blake2_256, 1],
      [K1, keccak_256, undefined],
      [K2, keccak_256, 0],
      [K2, keccak_256, 1],
    ] as const) {
      for (const key of ['short', 'shore', 'a']) {
        const c = case_(v ?? 0, h, key);
        expect(
          call(name, c.root, PROOF.enc(c.nodes), t(key), c.value, v),
          `${name} ${v} ${key}`,
        ).toBe(1);
      }
    }
  });

  it('hashes a value of 33 bytes or more in V1 only', () => {
    const v1 = case_(1, blake2_256, 'large');
    expect(call(B2, v1.root, PROOF.enc(v1.nodes), t('large'), big, 1)).toBe(1);
    expect(call(B2, v1.root, PROOF.enc(v1.nodes), t('large'), big, 0)).toBe(0);
    expect(call(B1, v1.root, PROOF.enc(v1.nodes), t('large'), big)).toBe(0);
    const v0 = case_(0, blake2_256, 'large');
    expect(call(B1, v0.root, PROOF.enc(v0.nodes), t('large'), big)).toBe(1);
    expect(call(B2, v0.root, PROOF.enc(v0.nodes), t('large'), big, 1)).toBe(0);
    // Below the threshold the versions agree.
    const s = case_(1, blake2_256, 'shore');
    expect(call(B2, s.root, PROOF.enc(s.nodes), t('shore'), t('inline'), 0)).toBe(1);
  });

  it('returns false, never traps, for every failure class', () => {
    const c = case_(0, blake2_256, 'short');
    const ok = (nodes: Uint8Array[], key = t('short'), value = t('v')) =>
      call(B1, c.root, PROOF.enc(nodes), key, value);
    expect(ok(c.nodes)).toBe(1);
    expect(ok([...c.nodes, Uint8Array.of(0)]), 'extraneous node').toBe(0);
    expect(ok(c.nodes.slice(0, -1)), 'missing node').toBe(0);
    expect(ok([]), 'empty proof').toBe(0);
    expect(ok(c.nodes, t('short'), t('w')), 'wrong value').toBe(0);
    expect(ok(c.nodes, t('shortx'), t('v')), 'a value for an absent key').toBe(0);
    expect(ok([t('garbage bytes'), ...c.nodes.slice(1)]), 'garbage node').toBe(0);
    expect(ok([Uint8Array.of(0xff, 0xff, 0xff)]), 'unallowed header').toBe(0);
    expect(ok([new Uint8Array(0)]), 'empty node').toBe(0);
    const other = case_(0, blake2_256, 'a');
    expect(ok(other.nodes), 'proof of another key').toBe(0);
  });

  it('ignores bytes after a proof node, as sp-trie decoding does', () => {
    const c = case_(0, blake2_256, 'short');
    const padded = c.nodes.map((n, k) => (k === 0 ? Uint8Array.from([...n, 0xde, 0xad]) : n));
    expect(call(B1, c.root, PROOF.enc(padded), t('short'), t('v'))).toBe(1);
  });

  it('traps on malformed arguments: proof not a Vec<Vec<u8>>, state version, bad pointer', () => {
    const c = case_(0, blake2_256, 'short');
    expect(() => call(B1, c.root, Uint8Array.of(0x08, 0x04), t('short'), t('v'))).toThrow(HostTrap);
    expect(() => call(B2, c.root, PROOF.enc(c.nodes), t('short'), t('v'), 2)).toThrow(HostTrap);
    const h = hostContext();
    expect(() =>
      h.call(trie, B1, 0x7fff_fff0, h.fat(PROOF.enc(c.nodes)), h.fat(t('short')), h.fat(t('v'))),
    ).toThrow(HostTrap);
    // Bytes after the proof vector are ignored (`Decode::decode`).
    expect(
      call(B1, c.root, Uint8Array.from([...PROOF.enc(c.nodes), 1, 2, 3]), t('short'), t('v')),
    ).toBe(1);
  });
});
