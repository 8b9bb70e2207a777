// Substrate's trie root (no extension nodes), the computation behind sp-io's `trie` interface.
// Must match trie-root's `trie_root_no_extension` driven by sp-trie's `TrieStream`
// (substrate/primitives/trie/src/trie_stream.rs, node_header.rs): input sorted by key with the
// last value of a repeated key winning (a BTreeMap); node headers with 2-bit (leaf, branch),
// 3-bit (hashed-value leaf) or 4-bit (hashed-value branch) prefixes and the nibble count;
// children embedded as SCALE byte vectors when their encoding is under 32 bytes, else by hash;
// the root node always hashed. State version V1 stores values of 33 bytes or more by hash
// (`TRIE_VALUE_NODE_THRESHOLD`); V0 never does.

import { encodeCompactU32 as compactU32 } from '../codec/strict.js';
import { Writer } from '../wasm/writer.js';
import {
  BRANCH_NO_VALUE,
  BRANCH_WITH_VALUE,
  EMPTY_TRIE,
  HASHED_VALUE_BRANCH,
  HASHED_VALUE_LEAF,
  header,
  LEAF,
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
  return rootOf(
    sorted.map(([k, value]) => ({ nibbles: toNibbles(k), value })),
    version,
    hash,
  );
}

/**
 * `ordered_trie_root`: keys are the SCALE `Compact<u32>` encodings of the indices. They are
 * distinct (no deduplication needed) and at most 5 bytes: sorted with a comparison in
 * JavaScript, which beats `Buffer.compare`'s native call at that length.
 */
export function orderedTrieRoot(
  values: Uint8Array[],
  version: StateVersion,
  hash: Hasher,
): Uint8Array {
  const keyed = values.map((value, i) => ({ key: compactU32(i), value }));
  keyed.sort((a, b) => compareBytes(a.key, b.key));
  return rootOf(
    keyed.map(({ key, value }) => ({ nibbles: toNibbles(key), value })),
    version,
    hash,
  );
}

function rootOf(entries: Entry[], version: StateVersion, hash: Hasher): Uint8Array {
  const out = new Writer(256);
  build(entries, 0, entries.length, 0, out, version, hash);
  return hash(out.view());
}

/** Lexicographic order of byte strings, a prefix first (as `Buffer.compare`). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return a.length - b.length;
}

/** The node of the sorted entries `input[lo, hi)`, below `cursor` nibbles, into `out`. */
function build(
  input: Entry[],
  lo: number,
  hi: number,
  cursor: number,
  out: Writer,
  version: StateVersion,
  hash: Hasher,
): void {
  if (hi === lo) {
    out.push(EMPTY_TRIE);
    return;
  }
  const first = input[lo]!;
  if (hi - lo === 1) {
    const hashed = isHashedValue(first.value, version);
    header(out, first.nibbles.subarray(cursor), hashed ? HASHED_VALUE_LEAF : LEAF, hashed ? 3 : 2);
    pushValue(out, first.value, hashed, hash);
    return;
  }
  const key = first.nibbles;
  // The entries are sorted, so the prefix all of them share is the first's and the last's.
  const shared = sharedPrefix(key, input[hi - 1]!.nibbles);
  const partial = shared > cursor ? key.subarray(cursor, shared) : key.subarray(0, 0);
  const at = Math.max(shared, cursor);
  const hasValue = at === key.length;
  const counts = new Array<number>(16).fill(0);
  let begin = lo + (hasValue ? 1 : 0);
  for (let n = 0; n < 16; n++) {
    let c = 0;
    while (begin + c < hi && input[begin + c]!.nibbles[at] === n) c++;
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
  out.push(bitmap & 0xff);
  out.push(bitmap >> 8);
  if (hasValue) pushValue(out, first.value, hashed, hash);
  begin = lo + (hasValue ? 1 : 0);
  for (const c of counts) {
    if (c === 0) continue;
    const child = new Writer(64);
    build(input, begin, begin + c, at + 1, child, version, hash);
    // `append_substream`: embed an encoding under 32 bytes, else its hash, as a SCALE Vec<u8>.
    const data = child.pos < 32 ? child.view() : hash(child.view());
    out.bytes(compactU32(data.length));
    out.bytes(data);
    begin += c;
  }
}

const isHashedValue = (value: Uint8Array, version: StateVersion) =>
  version === 1 && value.length >= VALUE_NODE_THRESHOLD;

function pushValue(out: Writer, value: Uint8Array, hashed: boolean, hash: Hasher): void {
  if (hashed) {
    out.bytes(hash(value));
  } else {
    out.bytes(compactU32(value.length));
    out.bytes(value);
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
