// Substrate's trie node codec (no extension nodes): sp-trie's `NodeCodec`
// (substrate/primitives/trie/src/node_codec.rs:96–185 `decode_plan` @1c1e5356, `leaf_node`,
// `branch_node_nibbled`, `Bitmap`) and `NodeHeader` (node_header.rs:85–110 `decode`, :115
// `size_and_prefix_iterator`, :155 `decode_size` @0d768d9c). Decoding must refuse exactly
// what sp-trie refuses and accept what it accepts — including bytes after the node, which
// `decode_plan` never looks at — because proof verification (trie-proof.ts) decodes
// guest-supplied nodes.

import { encodeCompactU32, readCompactU32 } from '../codec/strict.js';

/** Node header prefixes (sp-trie `trie_constants`). */
export const EMPTY_TRIE = 0x00;
export const LEAF = 0x40;
export const BRANCH_NO_VALUE = 0x80;
export const BRANCH_WITH_VALUE = 0xc0;
export const HASHED_VALUE_LEAF = 0x20;
export const HASHED_VALUE_BRANCH = 0x10;
/** Both hashers of the trie interface (blake2-256, keccak-256) give 32 bytes. */
export const HASH_LENGTH = 32;

/** A node's value: inline bytes, or the hash of a value node (state version 1). */
export type NodeValue =
  | { readonly kind: 'inline'; readonly data: Uint8Array }
  | { readonly kind: 'node'; readonly hash: Uint8Array };

/** A child handle as decoded: exactly 32 bytes is a hash, any other length inline data. */
export type ChildHandle = { readonly kind: 'hash' | 'inline'; readonly data: Uint8Array };

export type TrieNode =
  | { readonly kind: 'empty' }
  | { readonly kind: 'leaf'; readonly partial: Uint8Array; readonly value: NodeValue }
  | {
      readonly kind: 'branch';
      readonly partial: Uint8Array;
      readonly value: NodeValue | undefined;
      readonly children: readonly (ChildHandle | undefined)[];
    };

/** A node sp-trie's codec cannot decode (trie-db's `DecodeError`). */
export class NodeDecodeError extends Error {
  override name = 'NodeDecodeError';
}

/** `NodeCodec::decode`: `partial` comes back as nibbles (0..15), one per byte. */
export function decodeNode(data: Uint8Array): TrieNode {
  let at = 0;
  const take = (n: number): Uint8Array => {
    if (at + n > data.length) throw new NodeDecodeError('out of data');
    const out = data.subarray(at, at + n);
    at += n;
    return out;
  };
  const readByte = () => take(1)[0]!;
  const compact = () => {
    try {
      const [v, next] = readCompactU32(data, at);
      at = next;
      return v;
    } catch (err) {
      throw new NodeDecodeError((err as Error).message);
    }
  };
  // node_header.rs `decode_size`.
  const size = (first: number, prefixBits: number) => {
    const max = 0xff >> prefixBits;
    let result = first & max;
    if (result < max) return result;
    result -= 1;
    for (;;) {
      const n = readByte();
      if (n < 255) return result + n + 1;
      result += 255;
    }
  };
  const i = readByte();
  if (i === EMPTY_TRIE) return { kind: 'empty' };
  let kind: 'leaf' | 'branch';
  let hasValue = true;
  let hashed = false;
  let count: number;
  switch (i & 0xc0) {
    case LEAF:
      kind = 'leaf';
      count = size(i, 2);
      break;
    case BRANCH_WITH_VALUE:
      kind = 'branch';
      count = size(i, 2);
      break;
    case BRANCH_NO_VALUE:
      kind = 'branch';
      hasValue = false;
      count = size(i, 2);
      break;
    default:
      if ((i & 0xe0) === HASHED_VALUE_LEAF) {
        kind = 'leaf';
        hashed = true;
        count = size(i, 3);
      } else if ((i & 0xf0) === HASHED_VALUE_BRANCH) {
        kind = 'branch';
        hashed = true;
        count = size(i, 4);
      } else throw new NodeDecodeError('Unallowed encoding');
  }
  // "data should be at least of size offset + 1"; an odd nibble count pads with a zero nibble.
  if (data.length < at + 1) throw new NodeDecodeError('BadFormat');
  if (count % 2 === 1 && (data[at]! & 0xf0) !== 0) throw new NodeDecodeError('BadFormat');
  const packed = take(Math.ceil(count / 2));
  const partial = new Uint8Array(count);
  const skip = count % 2;
  for (let k = 0; k < count; k++) {
    const n = k + skip;
    const b = packed[n >> 1]!;
    partial[k] = n % 2 === 0 ? b >> 4 : b & 0x0f;
  }
  const value = (): NodeValue => {
    if (hashed) return { kind: 'node', hash: take(HASH_LENGTH) };
    return { kind: 'inline', data: take(compact()) };
  };
  if (kind === 'leaf') return { kind, partial, value: value() };
  const bitmapBytes = take(2);
  const bitmap = bitmapBytes[0]! | (bitmapBytes[1]! << 8);
  if (bitmap === 0) throw new NodeDecodeError('Bitmap without a child.');
  const v = hasValue ? value() : undefined;
  const children: (ChildHandle | undefined)[] = [];
  for (let k = 0; k < 16; k++) {
    if ((bitmap & (1 << k)) === 0) {
      children.push(undefined);
      continue;
    }
    const data = take(compact());
    children.push({ kind: data.length === HASH_LENGTH ? 'hash' : 'inline', data });
  }
  return { kind, partial, value: v, children };
}

/** `NodeCodec::leaf_node`: a hashed value makes a hashed-value leaf. */
export function encodeLeaf(partial: Uint8Array, value: NodeValue): Uint8Array {
  const out: number[] = [];
  if (value.kind === 'node') {
    header(out, partial, HASHED_VALUE_LEAF, 3);
    pushAll(out, value.hash);
  } else {
    header(out, partial, LEAF, 2);
    pushAll(out, encodeCompactU32(value.data.length));
    pushAll(out, value.data);
  }
  return Uint8Array.from(out);
}

/**
 * `NodeCodec::branch_node_nibbled`: `children[k]` is the reference embedded for child `k` (a
 * 32-byte hash or inline node data), each written as a SCALE `Vec<u8>`.
 */
export function encodeBranch(
  partial: Uint8Array,
  children: readonly (Uint8Array | undefined)[],
  value: NodeValue | undefined,
): Uint8Array {
  const out: number[] = [];
  if (value === undefined) header(out, partial, BRANCH_NO_VALUE, 2);
  else if (value.kind === 'inline') header(out, partial, BRANCH_WITH_VALUE, 2);
  else header(out, partial, HASHED_VALUE_BRANCH, 4);
  let bitmap = 0;
  children.forEach((c, k) => {
    if (c !== undefined) bitmap |= 1 << k;
  });
  out.push(bitmap & 0xff, bitmap >> 8);
  if (value?.kind === 'inline') {
    pushAll(out, encodeCompactU32(value.data.length));
    pushAll(out, value.data);
  } else if (value?.kind === 'node') pushAll(out, value.hash);
  for (const c of children) {
    if (c === undefined) continue;
    pushAll(out, encodeCompactU32(c.length));
    pushAll(out, c);
  }
  return Uint8Array.from(out);
}

/** Where node bytes go: a `number[]`, or a `Writer` (trie-root.ts). */
export interface ByteSink {
  push(byte: number): unknown;
}

/**
 * `size_and_prefix_iterator` for the nibble count, then the nibbles packed two per byte (an odd
 * first nibble alone in the low half of the first byte).
 */
export function header(out: ByteSink, nibbles: Uint8Array, prefix: number, prefixBits: number) {
  const size = nibbles.length;
  const max = 0xff >> prefixBits;
  if (size < max) {
    out.push(prefix + size);
  } else {
    out.push(prefix + max);
    let rem = size - (max - 1);
    while (rem > 0) {
      if (rem < 256) {
        out.push(rem - 1);
        rem = 0;
      } else {
        out.push(255);
        rem -= 255;
      }
    }
  }
  const odd = size % 2;
  if (odd) out.push(nibbles[0]!);
  for (let k = odd; k < size; k += 2) out.push((nibbles[k]! << 4) | nibbles[k + 1]!);
}

export function pushAll(out: number[], bytes: ArrayLike<number>): void {
  for (let k = 0; k < bytes.length; k++) out.push(bytes[k]!);
}
