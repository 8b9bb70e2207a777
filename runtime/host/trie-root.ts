// Substrate's trie root (no extension nodes), the computation behind sp-io's `trie` interface.
// Must match trie-root's `trie_root_no_extension` driven by sp-trie's `TrieStream`
// (substrate/primitives/trie/src/trie_stream.rs, node_header.rs): input sorted by key with the
// last value of a repeated key winning (a BTreeMap); node headers with 2-bit (leaf, branch),
// 3-bit (hashed-value leaf) or 4-bit (hashed-value branch) prefixes and the nibble count;
// children embedded as SCALE byte vectors when their encoding is under 32 bytes, else by hash;
// the root node always hashed. State version V1 stores values of 33 bytes or more by hash
// (`TRIE_VALUE_NODE_THRESHOLD`); V0 never does.

import { encodeCompactU32 as compactU32 } from '../codec/strict.js';
import {
  BRANCH_NO_VALUE,
  BRANCH_WITH_VALUE,
  EMPTY_TRIE,
  HASHED_VALUE_BRANCH,
  HASHED_VALUE_LEAF,
  header,
  LEAF,
  pushAll,
} from './trie-node.js';

export type Hasher = (data: Uint8Array) => Uint8Array;
export type StateVersion = 0 | 1;

/** sp-core `TRIE_VALUE_NODE_THRESHOLD`: V1 stores values of this many bytes or more by hash. */
export const VALUE_NODE_THRESHOLD = 33;

interface Entry {
  nibbles: Uint8Array;
  value: Uint8Array;
}

/** `TrieConfiguration::trie_root` for LayoutV0 / LayoutV1 with the given hasher. */
export function trieRoot(
  pairs: Iterable<[Uint8Array, Uint8Array]>,
  version: StateVersion,
  hash: Hasher,
): Uint8Array {
  const unique = new Map<string, [Uint8Array, Uint8Array]>();
  for (const [k, v] of pairs) unique.set(Buffer.from(k).toString('hex'), [k, v]);
  const sorted = [...unique.values()].sort((a, b) => Buffer.compare(a[0], b[0]));
  const entries = sorted.map(([k, value]) => ({ nibbles: toNibbles(k), value }));
  const out: number[] = [];
  build(entries, 0, out, version, hash);
  return hash(Uint8Array.from(out));
}

/** `ordered_trie_root`: keys are the SCALE `Compact<u32>` encodings of the indices. */
export function orderedTrieRoot(
  values: Uint8Array[],
  version: StateVersion,
  hash: Hasher,
): Uint8Array {
  return trieRoot(
    values.map((v, i) => [compactU32(i), v] as [Uint8Array, Uint8Array]),
    version,
    hash,
  );
}

function build(
  input: Entry[],
  cursor: number,
  out: number[],
  version: StateVersion,
  hash: Hasher,
): void {
  if (input.length === 0) {
    out.push(EMPTY_TRIE);
    return;
  }
  const first = input[0]!;
  if (input.length === 1) {
    const hashed = isHashedValue(first.value, version);
    header(out, first.nibbles.subarray(cursor), hashed ? HASHED_VALUE_LEAF : LEAF, hashed ? 3 : 2);
    pushValue(out, first.value, hashed, hash);
    return;
  }
  const key = first.nibbles;
  let shared = key.length;
  for (let k = 1; k < input.length; k++)
    shared = Math.min(shared, sharedPrefix(key, input[k]!.nibbles));
  const partial = shared > cursor ? key.subarray(cursor, shared) : key.subarray(0, 0);
  const at = Math.max(shared, cursor);
  const hasValue = at === key.length;
  const counts = new Array<number>(16).fill(0);
  let begin = hasValue ? 1 : 0;
  for (let n = 0; n < 16; n++) {
    let c = 0;
    while (begin + c < input.length && input[begin + c]!.nibbles[at] === n) c++;
    counts[n] = c;
    begin += c;
  }
  const hashed = hasValue && isHashedValue(first.value, version);
  const [prefix, bits] = !hasValue
    ? [BRANCH_NO_VALUE, 2]
    : hashed
      ? [HASHED_VALUE_BRANCH, 4]
      : [BRANCH_WITH_VALUE, 2];
  header(out, partial, prefix, bits);
  let bitmap = 0;
  counts.forEach((c, n) => {
    if (c > 0) bitmap |= 1 << n;
  });
  out.push(bitmap & 0xff, bitmap >> 8);
  if (hasValue) pushValue(out, first.value, hashed, hash);
  begin = hasValue ? 1 : 0;
  for (const c of counts) {
    if (c === 0) continue;
    const child: number[] = [];
    build(input.slice(begin, begin + c), at + 1, child, version, hash);
    // `append_substream`: embed an encoding under 32 bytes, else its hash, as a SCALE Vec<u8>.
    const data = child.length < 32 ? Uint8Array.from(child) : hash(Uint8Array.from(child));
    pushAll(out, compactU32(data.length));
    pushAll(out, data);
    begin += c;
  }
}

const isHashedValue = (value: Uint8Array, version: StateVersion) =>
  version === 1 && value.length >= VALUE_NODE_THRESHOLD;

function pushValue(out: number[], value: Uint8Array, hashed: boolean, hash: Hasher): void {
  if (hashed) {
    pushAll(out, hash(value));
  } else {
    pushAll(out, compactU32(value.length));
    pushAll(out, value);
  }
}

function sharedPrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && a[k] === b[k]) k++;
  return k;
}

function toNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  for (let k = 0; k < key.length; k++) {
    out[2 * k] = key[k]! >> 4;
    out[2 * k + 1] = key[k]! & 0x0f;
  }
  return out;
}
