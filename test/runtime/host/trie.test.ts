// Trie roots against sp-trie: the empty root, the node encodings of sp-trie's own codec tests
// (`codec_trie_single_tuple`, `codec_trie_two_tuples_disjoint_keys`), state version V1's hashed
// values, and the host functions' argument decoding.
import { blake2b } from '@noble/hashes/blake2.js';
import { describe, expect, it } from 'vitest';
import { HostTrap } from '../../../runtime/engine/traps.js';
import { trie } from '../../../runtime/host/trie.js';
import { encodeCompactU32 as compactU32 } from '../../../runtime/codec/strict.js';
import { orderedTrieRoot, trieRoot } from '../../../runtime/host/trie-root.js';
import { hex } from '../../support/fixtures.js';
import { hostContext } from '../../support/host-context.js';

const blake = (d: Uint8Array) => blake2b(d, { dkLen: 32 });
/** Stands in for the hash so the root "hash" is the root node's encoding (children stay inline). */
const unhashed = (d: Uint8Array) => d;
const b = (...x: number[]) => Uint8Array.from(x);

describe('trie root', () => {
  it('of nothing is the well-known empty root (both versions, ordered too)', () => {
    const empty = '0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314';
    expect(hex(trieRoot([], 0, blake))).toBe(empty);
    expect(hex(trieRoot([], 1, blake))).toBe(empty);
    expect(hex(orderedTrieRoot([], 1, blake))).toBe(empty);
  });

  it('encodes a single leaf like sp-trie (codec_trie_single_tuple)', () => {
    expect(hex(trieRoot([[b(0xaa), b(0xbb)]], 1, unhashed))).toBe('0x42aa04bb');
  });

  it('encodes a branch with two leaves like sp-trie (codec_trie_two_tuples_disjoint_keys)', () => {
    const root = trieRoot(
      [
        [b(0x48, 0x19), b(0xfe)],
        [b(0x13, 0x14), b(0xff)],
      ],
      1,
      unhashed,
    );
    expect(hex(root)).toBe('0x801200' + '14430314' + '04ff' + '14430819' + '04fe');
  });

  it('keeps the last of repeated keys and sorts the input', () => {
    const a = trieRoot(
      [
        [b(2), b(1)],
        [b(1), b(9)],
        [b(1), b(1)],
      ],
      0,
      blake,
    );
    const c = trieRoot(
      [
        [b(1), b(1)],
        [b(2), b(1)],
      ],
      0,
      blake,
    );
    expect(a).toEqual(c);
  });

  it('V1 stores values of 33 bytes or more by hash; V0 and shorter values are inline', () => {
    const v32 = new Uint8Array(32).fill(1);
    const v33 = new Uint8Array(33).fill(1);
    expect(trieRoot([[b(1), v32]], 0, blake)).toEqual(trieRoot([[b(1), v32]], 1, blake));
    expect(trieRoot([[b(1), v33]], 0, blake)).not.toEqual(trieRoot([[b(1), v33]], 1, blake));
    // Hashed-value leaf: 3-bit prefix 0x20, 2 nibbles, then the value's hash.
    expect(hex(trieRoot([[b(0xaa), v33]], 1, unhashed))).toBe('0x22aa' + hex(v33).slice(2));
  });

  it('ordered roots key values by their SCALE compact index', () => {
    const values = Array.from({ length: 70 }, (_, i) => b(i));
    expect(orderedTrieRoot(values, 0, blake)).toEqual(
      trieRoot(
        values.map((v, i) => [compactU32(i), v]),
        0,
        blake,
      ),
    );
  });
});

describe('trie host functions', () => {
  const scaleVec = (items: Uint8Array[]) =>
    Uint8Array.from([
      ...compactU32(items.length),
      ...items.flatMap((i) => [...compactU32(i.length), ...i]),
    ]);

  it('ordered_root v2 decodes Vec<Vec<u8>> and returns the root in a host allocation', () => {
    const h = hostContext();
    const values = [b(1, 2, 3), b(4)];
    const ptr = h.call(
      trie,
      'ext_trie_blake2_256_ordered_root_version_2',
      h.fat(scaleVec(values)),
      1,
    ) as number;
    expect(h.get(ptr, 32)).toEqual(orderedTrieRoot(values, 1, blake));
  });

  it('refuses an unknown state version and undecodable input by trapping', () => {
    const h = hostContext();
    expect(() =>
      h.call(trie, 'ext_trie_blake2_256_ordered_root_version_2', h.fat(scaleVec([])), 2),
    ).toThrow(HostTrap);
    expect(() => h.call(trie, 'ext_trie_blake2_256_root_version_1', h.fat(b(8)))).toThrow(
      /Could not decode/,
    );
    // A declared length far past the input fails when the data runs out.
    expect(() =>
      h.call(trie, 'ext_trie_blake2_256_ordered_root_version_1', h.fat(b(0xfe, 0xff, 0x03, 0x00))),
    ).toThrow(/Could not decode/);
  });
});
