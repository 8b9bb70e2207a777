// Verification of trie-db's compact proofs, as sp-io's `*_verify_proof` host functions run it:
// `sp_trie::verify_trie_proof` (substrate/primitives/trie/src/lib.rs:238–250 @01b858a2) →
// `trie_db::proof::verify_proof` (paritytech/trie trie-db/src/proof/verify.rs) with sp-trie's
// layouts (lib.rs:75 LayoutV0: values always inline; :117 LayoutV1: `MAX_INLINE_VALUE` = 33,
// values of 33 bytes or more by hash) and node codec (trie-node.ts). trie-db's verify.rs was
// read in a copy of trie-db master whose commit was not recorded (`Value`-aware, node
// locations as `()`) and in @05dd2dcc, an older copy that differs only in having no hashed
// values; `NodeCodec::decode` in trie-db src/node_codec.rs @00b4fa91. Must decide exactly as
// that code does, error for error:
// - the proof lists the nodes met on the lookup of every item's key, in pre-order; a child
//   that is itself in the proof is referenced by an empty inline handle, the value of an item's
//   key is omitted (an empty inline value on a leaf, no value on a branch) and recomputed from
//   the item (hashed for V1 when ≥ 33 bytes);
// - a hash-referenced child on a key's path (`ExtraneousHashReference`), a value present where
//   it should be omitted (`ExtraneousValue`), a missing node (`IncompleteProof`), a node left
//   over (`ExtraneousNode`), an inline child longer than a hash (`InvalidChildReference`), a
//   value found where the item says none or none where it says one (`ValueMismatch`), a node
//   that does not decode (`DecodeError`) and finally a different root (`RootMismatch`) all fail;
// - nodes are decoded, rebuilt and re-encoded, so bytes after a node are ignored (as sp-trie's
//   decoder ignores them) and never reach a hash.
// Nothing here throws on guest input: every outcome is a value.

import type { Hasher } from './trie-root.js';
import { VALUE_NODE_THRESHOLD } from './trie-root.js';
import {
  decodeNode,
  encodeBranch,
  encodeLeaf,
  HASH_LENGTH,
  NodeDecodeError,
  type ChildHandle,
  type NodeValue,
  type TrieNode,
} from './trie-node.js';

/** sp-trie's layouts: LayoutV0 never hashes values, LayoutV1 hashes those of ≥ 33 bytes. */
export interface ProofLayout {
  readonly hash: Hasher;
  readonly maxInlineValue: number | undefined;
}
export const layoutV0 = (hash: Hasher): ProofLayout => ({ hash, maxInlineValue: undefined });
export const layoutV1 = (hash: Hasher): ProofLayout => ({
  hash,
  maxInlineValue: VALUE_NODE_THRESHOLD,
});

/** trie-db's `VerifyError` variants. */
export type VerifyErrorKind =
  | 'DuplicateKey'
  | 'ExtraneousNode'
  | 'ExtraneousValue'
  | 'ExtraneousHashReference'
  | 'InvalidChildReference'
  | 'ValueMismatch'
  | 'IncompleteProof'
  | 'RootMismatch'
  | 'DecodeError';

export type VerifyResult =
  { readonly ok: true } | { readonly ok: false; readonly error: VerifyErrorKind };

/** An item of the statement: a key and its value, or undefined to prove the key absent. */
export type ProofItem = readonly [key: Uint8Array, value: Uint8Array | undefined];

class VerifyFailure extends Error {
  constructor(readonly kind: VerifyErrorKind) {
    super(kind);
  }
}
const fail = (kind: VerifyErrorKind): never => {
  throw new VerifyFailure(kind);
};

/** A key's nibbles; `LeftNibbleSlice` is (key, len). */
interface Path {
  readonly nibbles: Uint8Array;
  readonly len: number;
}

const startsWith = (key: Path, prefix: Path) => {
  if (key.len < prefix.len) return false;
  for (let k = 0; k < prefix.len; k++) if (key.nibbles[k] !== prefix.nibbles[k]) return false;
  return true;
};
/** `LeftNibbleSlice::contains`: `partial` sits at `offset` in `key`. */
const contains = (key: Path, partial: Uint8Array, offset: number) => {
  if (offset + partial.length > key.len) return false;
  for (let k = 0; k < partial.length; k++) if (key.nibbles[offset + k] !== partial[k]) return false;
  return true;
};
const truncate = (key: Path, len: number): Path => ({
  nibbles: key.nibbles,
  len: Math.min(len, key.len),
});

/** verify.rs `StackEntry`. */
interface Entry {
  readonly prefix: Path;
  readonly node: TrieNode;
  readonly isInline: boolean;
  value: NodeValue | undefined;
  childIndex: number;
  readonly children: (Uint8Array | undefined)[];
  nextValueHash: Uint8Array | undefined;
}

function newEntry(data: Uint8Array, prefix: Path, isInline: boolean): Entry {
  let node: TrieNode;
  try {
    node = decodeNode(data);
  } catch (err) {
    if (err instanceof NodeDecodeError) return fail('DecodeError');
    throw err;
  }
  const value = node.kind === 'empty' ? undefined : node.value;
  const children = new Array<Uint8Array | undefined>(node.kind === 'branch' ? 16 : 0);
  return { prefix, node, isInline, value, childIndex: 0, children, nextValueHash: undefined };
}

const entryValue = (e: Entry): NodeValue | undefined =>
  e.nextValueHash !== undefined ? { kind: 'node', hash: e.nextValueHash } : e.value;

/** `ChildReference::try_from(NodeHandle)`: a hash must be 32 bytes, inline data at most 32. */
function childRef(handle: ChildHandle): Uint8Array {
  if (
    handle.kind === 'hash' ? handle.data.length !== HASH_LENGTH : handle.data.length > HASH_LENGTH
  )
    fail('InvalidChildReference');
  return handle.data;
}

function completeChildren(e: Entry): void {
  if (e.node.kind !== 'branch') return;
  for (; e.childIndex < 16; e.childIndex++) {
    const handle = e.node.children[e.childIndex];
    if (handle !== undefined) e.children[e.childIndex] = childRef(handle);
  }
}

function encodeEntry(e: Entry): Uint8Array {
  completeChildren(e);
  switch (e.node.kind) {
    case 'empty':
      return Uint8Array.of(0);
    case 'leaf':
      // A leaf's value is always Some (set from the node or from an item).
      return encodeLeaf(e.node.partial, entryValue(e)!);
    case 'branch':
      return encodeBranch(e.node.partial, e.children, entryValue(e));
  }
}

function setValue(e: Entry, value: Uint8Array, layout: ProofLayout): void {
  if (layout.maxInlineValue === undefined || layout.maxInlineValue > value.length) {
    e.value = { kind: 'inline', data: value };
  } else {
    e.nextValueHash = layout.hash(value);
    e.value = undefined;
  }
}

type Match =
  | { kind: 'MatchesLeaf' | 'MatchesBranch' | 'NotFound' | 'NotOmitted' }
  | { kind: 'IsChild'; prefix: Path };

function matchKeyToNode(key: Path, prefixLen: number, node: TrieNode): Match {
  switch (node.kind) {
    case 'empty':
      return { kind: 'NotFound' };
    case 'leaf':
      if (contains(key, node.partial, prefixLen) && key.len === prefixLen + node.partial.length) {
        const omitted = node.value.kind === 'inline' && node.value.data.length === 0;
        return { kind: omitted ? 'MatchesLeaf' : 'NotOmitted' };
      }
      return { kind: 'NotFound' };
    case 'branch': {
      if (!contains(key, node.partial, prefixLen)) return { kind: 'NotFound' };
      const at = prefixLen + node.partial.length;
      if (key.len === at)
        return { kind: node.value === undefined ? 'MatchesBranch' : 'NotOmitted' };
      if (node.children[key.nibbles[at]!] !== undefined)
        return { kind: 'IsChild', prefix: truncate(key, at + 1) };
      return { kind: 'NotFound' };
    }
  }
}

/**
 * `StackEntry::advance_item`: consumes the items this node decides, returns the prefix of the
 * child to descend into, or undefined to unwind.
 */
function advanceItem(
  e: Entry,
  items: readonly [Path, Uint8Array | undefined][],
  pos: { i: number },
  layout: ProofLayout,
): Path | undefined {
  for (; pos.i < items.length; pos.i++) {
    const [key, value] = items[pos.i]!;
    if (!startsWith(key, e.prefix)) return undefined;
    const m = matchKeyToNode(key, e.prefix.len, e.node);
    switch (m.kind) {
      case 'MatchesLeaf':
        if (value === undefined) fail('ValueMismatch');
        setValue(e, value!, layout);
        break;
      case 'MatchesBranch':
        if (value !== undefined) setValue(e, value, layout);
        else e.value = undefined;
        break;
      case 'NotFound':
        if (value !== undefined) fail('ValueMismatch');
        break;
      case 'NotOmitted':
        fail('ExtraneousValue');
        break;
      case 'IsChild':
        return m.prefix;
    }
  }
  return undefined;
}

/** `advance_child_index` + `make_child_entry` (branches only: sp-trie has no extensions). */
function descend(
  e: Entry,
  childPrefix: Path,
  proof: readonly Uint8Array[],
  next: { i: number },
): Entry {
  if (e.node.kind !== 'branch') throw new Error('unreachable: only branches have children');
  const index = childPrefix.nibbles[childPrefix.len - 1]!;
  for (; e.childIndex < index; e.childIndex++) {
    const handle = e.node.children[e.childIndex];
    if (handle !== undefined) e.children[e.childIndex] = childRef(handle);
  }
  const child = e.node.children[e.childIndex];
  if (child === undefined) throw new Error('unreachable: guaranteed by advanceItem');
  if (child.kind === 'hash') {
    if (child.data.length !== HASH_LENGTH) fail('InvalidChildReference');
    return fail('ExtraneousHashReference');
  }
  if (child.data.length > 0) return newEntry(child.data, childPrefix, true);
  if (next.i >= proof.length) return fail('IncompleteProof');
  return newEntry(proof[next.i++]!, childPrefix, false);
}

const compareBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b);

function toPath(key: Uint8Array): Path {
  const nibbles = new Uint8Array(key.length * 2);
  for (let k = 0; k < key.length; k++) {
    nibbles[2 * k] = key[k]! >> 4;
    nibbles[2 * k + 1] = key[k]! & 0x0f;
  }
  return { nibbles, len: nibbles.length };
}

/** `trie_db::proof::verify_proof::<L>(root, proof, items)`. */
export function verifyProof(
  layout: ProofLayout,
  root: Uint8Array,
  proof: readonly Uint8Array[],
  items: readonly ProofItem[],
): VerifyResult {
  try {
    run(layout, root, proof, items);
    return { ok: true };
  } catch (err) {
    if (err instanceof VerifyFailure) return { ok: false, error: err.kind };
    throw err;
  }
}

function run(
  layout: ProofLayout,
  root: Uint8Array,
  proof: readonly Uint8Array[],
  input: readonly ProofItem[],
): void {
  // Items sorted as Rust sorts (key, Option<value>): by key, then None before Some, then value.
  const sorted = [...input].sort(
    ([ka, va], [kb, vb]) =>
      compareBytes(ka, kb) ||
      (va === undefined
        ? vb === undefined
          ? 0
          : -1
        : vb === undefined
          ? 1
          : compareBytes(va, vb)),
  );
  if (sorted.length === 0) {
    if (proof.length !== 0) fail('ExtraneousNode');
    return;
  }
  for (let k = 1; k < sorted.length; k++)
    if (compareBytes(sorted[k]![0], sorted[k - 1]![0]) === 0) fail('DuplicateKey');
  const items = sorted.map(([k, v]) => [toPath(k), v] as [Path, Uint8Array | undefined]);
  const pos = { i: 0 };
  const next = { i: 0 };
  if (proof.length === 0) fail('IncompleteProof');
  let last = newEntry(proof[next.i++]!, { nibbles: new Uint8Array(0), len: 0 }, false);
  const stack: Entry[] = [];
  for (;;) {
    const childPrefix = advanceItem(last, items, pos, layout);
    if (childPrefix !== undefined) {
      const child = descend(last, childPrefix, proof, next);
      stack.push(last);
      last = child;
      continue;
    }
    const data = encodeEntry(last);
    let ref: Uint8Array;
    if (last.isInline) {
      if (data.length > HASH_LENGTH) fail('InvalidChildReference');
      ref = data;
    } else ref = layout.hash(data);
    const parent = stack.pop();
    if (parent !== undefined) {
      parent.children[parent.childIndex] = ref;
      parent.childIndex++;
      last = parent;
      continue;
    }
    if (next.i < proof.length) fail('ExtraneousNode');
    if (compareBytes(ref, root) !== 0) fail('RootMismatch');
    return;
  }
}
