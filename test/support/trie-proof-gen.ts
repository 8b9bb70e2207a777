// Test-side generator of trie-db compact proofs, written from trie-db's
// `proof/generate.rs` (paritytech/trie): the nodes met on the lookups of the queried keys, in
// pre-order, with a hash-referenced child that is itself in the proof replaced by an empty
// inline handle, an inline child rewritten in place, the value of a queried key omitted (an
// empty inline value on a leaf — a hashed-value leaf becomes a plain one — no value on a
// branch). The full trie is built the way trie-root builds it, and `root` is checked against
// the engine's `trieRoot` (itself compared with smoldot's state-root calculator) by the tests.
import { encodeBranch, encodeLeaf, type NodeValue } from '../../runtime/host/trie-node.js';
import type { Hasher, StateVersion } from '../../runtime/host/trie-root.js';

type GNode =
  | { kind: 'leaf'; partial: Uint8Array; value: Uint8Array }
  | { kind: 'branch'; partial: Uint8Array; value?: Uint8Array; children: (GNode | undefined)[] };

export interface GeneratedTrie {
  readonly root: Uint8Array;
  readonly proof: (keys: readonly Uint8Array[]) => Uint8Array[];
  readonly get: (key: Uint8Array) => Uint8Array | undefined;
}

const nibblesOf = (key: Uint8Array) => {
  const out = new Uint8Array(key.length * 2);
  key.forEach((b, k) => {
    out[2 * k] = b >> 4;
    out[2 * k + 1] = b & 15;
  });
  return out;
};

function build(entries: [Uint8Array, Uint8Array][], cursor: number): GNode | undefined {
  if (entries.length === 0) return undefined;
  const [first, firstValue] = entries[0]!;
  if (entries.length === 1)
    return { kind: 'leaf', partial: first.subarray(cursor), value: firstValue };
  let shared = first.length;
  for (const [k] of entries) {
    let n = 0;
    while (n < Math.min(shared, k.length) && k[n] === first[n]) n++;
    shared = n;
  }
  const at = Math.max(shared, cursor);
  const partial = first.subarray(cursor, at);
  const hasValue = first.length === at;
  const rest = hasValue ? entries.slice(1) : entries;
  const children: (GNode | undefined)[] = [];
  for (let n = 0; n < 16; n++)
    children.push(
      build(
        rest.filter(([k]) => k[at] === n),
        at + 1,
      ),
    );
  return { kind: 'branch', partial, value: hasValue ? firstValue : undefined, children };
}

/** Builds the trie of `pairs` (last value of a repeated key wins) for `version` and `hash`. */
export function generatedTrie(
  pairs: readonly [Uint8Array, Uint8Array][],
  version: StateVersion,
  hash: Hasher,
): GeneratedTrie {
  const unique = new Map<string, [Uint8Array, Uint8Array]>();
  for (const [k, v] of pairs) unique.set(Buffer.from(k).toString('hex'), [k, v]);
  const sorted = [...unique.values()].sort((a, b) => Buffer.compare(a[0], b[0]));
  const top = build(
    sorted.map(([k, v]) => [nibblesOf(k), v]),
    0,
  );
  const valueOf = (v: Uint8Array): NodeValue =>
    version === 1 && v.length >= 33 ? { kind: 'node', hash: hash(v) } : { kind: 'inline', data: v };
  const full = (node: GNode): Uint8Array =>
    node.kind === 'leaf'
      ? encodeLeaf(node.partial, valueOf(node.value))
      : encodeBranch(
          node.partial,
          node.children.map((c) => (c === undefined ? undefined : ref(full(c)))),
          node.value === undefined ? undefined : valueOf(node.value),
        );
  const ref = (enc: Uint8Array) => (enc.length < 32 ? enc : hash(enc));
  const root = hash(top === undefined ? Uint8Array.of(0) : full(top));

  const proof = (keys: readonly Uint8Array[]): Uint8Array[] => {
    const paths = [...new Set(keys.map((k) => Buffer.from(k).toString('hex')))]
      .sort()
      .map((h) => nibblesOf(Buffer.from(h, 'hex')));
    const out: Uint8Array[] = [];
    if (top === undefined) return [Uint8Array.of(0)];
    const contains = (key: Uint8Array, partial: Uint8Array, at: number) =>
      at + partial.length <= key.length && partial.every((n, k) => key[at + k] === n);
    const visit = (node: GNode, at: number, reaching: Uint8Array[], inline: boolean) => {
      const slot = out.length;
      if (!inline) out.push(new Uint8Array(0));
      let enc: Uint8Array;
      if (node.kind === 'leaf') {
        const omit = reaching.some(
          (k) => k.length === at + node.partial.length && contains(k, node.partial, at),
        );
        enc = omit
          ? encodeLeaf(node.partial, { kind: 'inline', data: new Uint8Array(0) })
          : full(node);
      } else {
        const matching = reaching.filter((k) => contains(k, node.partial, at));
        const end = at + node.partial.length;
        const omit = node.value !== undefined && matching.some((k) => k.length === end);
        const refs = node.children.map((child, n) => {
          if (child === undefined) return undefined;
          const sub = matching.filter((k) => k.length > end && k[end] === n);
          if (sub.length === 0) return ref(full(child));
          const childInline = full(child).length < 32;
          const childEnc = visit(child, end + 1, sub, childInline);
          return childInline ? childEnc : new Uint8Array(0);
        });
        enc = encodeBranch(
          node.partial,
          refs,
          omit || node.value === undefined ? undefined : valueOf(node.value),
        );
      }
      if (!inline) out[slot] = enc;
      return enc;
    };
    visit(top, 0, paths, false);
    return out;
  };
  const get = (key: Uint8Array) => unique.get(Buffer.from(key).toString('hex'))?.[1];
  return { root, proof, get };
}
