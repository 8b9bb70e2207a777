// A Substrate state trie held as nodes, for the collator side: its root, the nodes on the paths
// of the keys a block touched, and those nodes as a plain `StorageProof` or as trie-db's compact
// encoding. Deliberately independent of the engine's `runtime/host/trie-root.ts` (written anew,
// hashing with @noble/hashes instead of hash-wasm), so that a bug in one cannot make a block
// built here agree with the executor under test; both are checked against smoldot's root.
//
// Layout: sp-trie's `LayoutV0`/`LayoutV1` (substrate/primitives/trie/src/node_codec.rs,
// node_header.rs): no extension nodes, blake2-256, node headers with 2-bit (leaf 01, branch 10/11),
// 3-bit (hashed-value leaf 001) or 4-bit (hashed-value branch 0001) prefixes and the nibble
// count; children by hash, or embedded when their encoding is under 32 bytes; V1 stores values
// of 33 bytes or more in separate value nodes (`TRIE_VALUE_NODE_THRESHOLD`).
import { blake2b } from '@noble/hashes/blake2.js';
import { compact } from './scale.js';

export type StateVersion = 0 | 1;

export const blake2_256 = (data: Uint8Array): Uint8Array => blake2b(data, { dkLen: 32 });

/** One node of the trie. `hash` is absent for a node embedded in its parent. */
export interface TrieNode {
  readonly partial: Uint8Array;
  readonly value: Uint8Array | undefined;
  /** Whether the value sits in a separate value node (V1, 33 bytes or more). */
  readonly hashedValue: boolean;
  /** 16 slots for a branch; undefined for a leaf. */
  readonly children: readonly (TrieNode | undefined)[] | undefined;
  readonly encoded: Uint8Array;
  readonly hash: Uint8Array | undefined;
}

const LEAF = 0x40;
const BRANCH_NO_VALUE = 0x80;
const BRANCH_WITH_VALUE = 0xc0;
const HASHED_VALUE_LEAF = 0x20;
const HASHED_VALUE_BRANCH = 0x10;
/** sp-trie `trie_constants::ESCAPE_COMPACT_HEADER`: a compact node followed by its value. */
const ESCAPE_COMPACT_HEADER = 0x01;
const VALUE_NODE_THRESHOLD = 33;

export class Trie {
  readonly root: TrieNode | undefined;
  /** The state root: the hash of the root node, or of the empty node `0x00`. */
  readonly rootHash: Uint8Array;

  /** Builds the trie of `entries` (keys need not be sorted; a later duplicate wins). */
  constructor(entries: Iterable<readonly [Uint8Array, Uint8Array]>, version: StateVersion) {
    const unique = new Map<string, readonly [Uint8Array, Uint8Array]>();
    for (const e of entries) unique.set(Buffer.from(e[0]).toString('hex'), e);
    const sorted = [...unique.values()]
      .sort((a, b) => Buffer.compare(a[0], b[0]))
      .map(([k, v]) => ({ nibbles: toNibbles(k), value: v }));
    this.root = sorted.length === 0 ? undefined : build(sorted, 0, version, true);
    this.rootHash = this.root?.hash ?? blake2_256(Uint8Array.of(0));
  }

  /**
   * The nodes a lookup of `key` walks through (the last one is where it ends, whether the key
   * is there or not); with `siblings`, also every child of each branch on the way, which is
   * what removing the key may merge into its parent.
   */
  path(key: Uint8Array, siblings = false): { nodes: TrieNode[]; found: TrieNode | undefined } {
    const nibbles = toNibbles(key);
    const nodes: TrieNode[] = [];
    let node = this.root;
    let at = 0;
    while (node !== undefined) {
      nodes.push(node);
      const p = node.partial;
      if (!startsWith(nibbles, at, p)) return { nodes, found: undefined };
      at += p.length;
      if (at === nibbles.length) return { nodes, found: node.value ? node : undefined };
      if (node.children === undefined) return { nodes, found: undefined };
      if (siblings) for (const c of node.children) if (c) nodes.push(c);
      node = node.children[nibbles[at]!];
      at += 1;
    }
    return { nodes, found: undefined };
  }

  /** Every stored node (hashed ones, and value nodes): a complete `StorageProof`. */
  allNodes(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const walk = (n: TrieNode) => {
      if (n.hash) out.push(n.encoded);
      if (n.hashedValue) out.push(n.value!);
      n.children?.forEach((c) => c && walk(c));
    };
    if (this.root) walk(this.root);
    return out;
  }

  /**
   * trie-db's `encode_compact` of the partial trie made of `nodes` (plus the values of
   * `values`, V1 value nodes): hashed nodes in pre-order, each with the references to children
   * that are themselves in the proof replaced by an empty inline reference, and a hashed value
   * that is in the proof detached after its node under the escape header
   * (trie-db/src/trie_codec.rs `encode_compact`, `EncoderStackEntry::encode_node`).
   */
  compactProof(nodes: ReadonlySet<TrieNode>, values: ReadonlySet<TrieNode>): Uint8Array[] {
    const out: Uint8Array[] = [];
    const walk = (n: TrieNode) => {
      const omitValue = n.hashedValue && values.has(n);
      const omitted = (n.children ?? []).map((c) => c?.hash !== undefined && nodes.has(c));
      const encoded = encodeNode(n, omitted, omitValue);
      out.push(omitValue ? concat([Uint8Array.of(ESCAPE_COMPACT_HEADER), encoded]) : encoded);
      if (omitValue) out.push(n.value!);
      n.children?.forEach((c, i) => {
        if (c && omitted[i]) walk(c);
      });
    };
    if (this.root && nodes.has(this.root)) walk(this.root);
    return out;
  }
}

interface Entry {
  readonly nibbles: Uint8Array;
  readonly value: Uint8Array;
}

function build(input: Entry[], cursor: number, version: StateVersion, isRoot: boolean): TrieNode {
  const first = input[0]!;
  const hashedValueOf = (v: Uint8Array) => version === 1 && v.length >= VALUE_NODE_THRESHOLD;
  if (input.length === 1) {
    return finish(
      { partial: first.nibbles.subarray(cursor), value: first.value, children: undefined },
      hashedValueOf(first.value),
      isRoot,
    );
  }
  let shared = first.nibbles.length;
  for (const e of input) shared = Math.min(shared, commonPrefix(first.nibbles, e.nibbles));
  const hasValue = shared === first.nibbles.length;
  const rest = hasValue ? input.slice(1) : input;
  const children: (TrieNode | undefined)[] = new Array(16).fill(undefined);
  for (let nib = 0, k = 0; nib < 16; nib++) {
    const begin = k;
    while (k < rest.length && rest[k]!.nibbles[shared] === nib) k++;
    if (k > begin) children[nib] = build(rest.slice(begin, k), shared + 1, version, false);
  }
  const value = hasValue ? first.value : undefined;
  return finish(
    { partial: first.nibbles.subarray(cursor, shared), value, children },
    value !== undefined && hashedValueOf(value),
    isRoot,
  );
}

function finish(
  n: Pick<TrieNode, 'partial' | 'value' | 'children'>,
  hashedValue: boolean,
  isRoot: boolean,
): TrieNode {
  const node = { ...n, hashedValue, encoded: new Uint8Array(), hash: undefined };
  const encoded = encodeNode(node, [], false);
  const hash = isRoot || encoded.length >= 32 ? blake2_256(encoded) : undefined;
  return { ...node, encoded, hash };
}

/**
 * sp-trie's `NodeCodec::leaf_node` / `branch_node_nibbled`: `omitChildren[i]` writes child i
 * as an empty inline reference, `omitValue` writes the value as an empty inline one (the
 * compact encoding's two substitutions).
 */
function encodeNode(n: TrieNode, omitChildren: readonly boolean[], omitValue: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const hashed = n.hashedValue && !omitValue;
  if (n.children === undefined) {
    parts.push(header(n.partial, hashed ? HASHED_VALUE_LEAF : LEAF, hashed ? 3 : 2));
  } else {
    const prefix =
      n.value === undefined ? BRANCH_NO_VALUE : hashed ? HASHED_VALUE_BRANCH : BRANCH_WITH_VALUE;
    parts.push(header(n.partial, prefix, hashed ? 4 : 2));
    let bitmap = 0;
    n.children.forEach((c, i) => {
      if (c) bitmap |= 1 << i;
    });
    parts.push(Uint8Array.of(bitmap & 0xff, bitmap >> 8));
  }
  if (n.value !== undefined) {
    if (omitValue) parts.push(compact(0));
    else if (hashed) parts.push(blake2_256(n.value));
    else parts.push(compact(n.value.length), n.value);
  }
  n.children?.forEach((c, i) => {
    if (!c) return;
    // `ChildReference`: a hash, or the encoding itself when under 32 bytes, as a Vec<u8>.
    const ref = omitChildren[i] ? new Uint8Array() : (c.hash ?? c.encoded);
    parts.push(compact(ref.length), ref);
  });
  return concat(parts);
}

/** `NodeHeader` then the partial key's nibbles, two per byte (an odd first one alone). */
function header(nibbles: Uint8Array, prefix: number, prefixBits: number): Uint8Array {
  const out: number[] = [];
  const max = 0xff >> prefixBits;
  const size = nibbles.length;
  if (size < max) out.push(prefix + size);
  else {
    out.push(prefix + max);
    let rem = size - max;
    while (rem >= 255) {
      out.push(255);
      rem -= 255;
    }
    out.push(rem);
  }
  const odd = size % 2;
  if (odd) out.push(nibbles[0]!);
  for (let k = odd; k < size; k += 2) out.push((nibbles[k]! << 4) | nibbles[k + 1]!);
  return Uint8Array.from(out);
}

export function toNibbles(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length * 2);
  key.forEach((b, k) => {
    out[2 * k] = b >> 4;
    out[2 * k + 1] = b & 0x0f;
  });
  return out;
}

function commonPrefix(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  let k = 0;
  while (k < n && a[k] === b[k]) k++;
  return k;
}

function startsWith(key: Uint8Array, at: number, partial: Uint8Array): boolean {
  if (key.length - at < partial.length) return false;
  for (let k = 0; k < partial.length; k++) if (key[at + k] !== partial[k]) return false;
  return true;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
