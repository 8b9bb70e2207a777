// Strict SCALE primitives. scale-ts decodes leniently (any non-zero Option tag is Some, a
// vector longer than the input is silently cut short, non-minimal compacts are accepted);
// parity-scale-codec, which the reference validator decodes with, rejects all three. Whether
// a PVF's output decodes is consensus, so these must refuse exactly what parity-scale-codec
// refuses.
import { Bytes, type Codec, createCodec, createDecoder, Vector } from 'scale-ts';

/** scale-ts's decoder input: the whole buffer plus a cursor `i` (missing from its .d.ts). */
type Cursor = Uint8Array & { i: number };
const decoder = <T>(fn: (input: Cursor) => T) => createDecoder((input) => fn(input as Cursor));

/** A SCALE input that parity-scale-codec would refuse. */
export class CodecError extends Error {
  override name = 'CodecError';
}

/**
 * Reads parity-scale-codec's `Compact<u32>` at `at` in `bytes`, refusing non-minimal encodings
 * (its `U32_OUT_OF_RANGE` checks), values above u32::MAX and input that ends early: returns the
 * value and the offset after it, or throws {@link CodecError}. The one compact reader of the
 * project (the codecs below and the trie node decoder use it).
 */
export function readCompactU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  const need = (n: number) => {
    if (at + n > bytes.byteLength) throw new CodecError('not enough data for a compact length');
  };
  need(1);
  const first = bytes[at]!;
  const le = (n: number) => {
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + bytes[at + k]!;
    return v;
  };
  switch (first & 3) {
    case 0:
      return [first >>> 2, at + 1];
    case 1: {
      need(2);
      const v = le(2) >>> 2;
      if (v <= 0x3f) throw new CodecError('non-minimal compact encoding');
      return [v, at + 2];
    }
    case 2: {
      need(4);
      const v = Math.floor(le(4) / 4);
      if (v <= 0x3fff) throw new CodecError('non-minimal compact encoding');
      return [v, at + 4];
    }
    default: {
      // Big-integer mode: for a u32 exactly 4 following bytes are allowed (upper six bits 0).
      if (first >>> 2 !== 0) throw new CodecError('compact length out of range for u32');
      need(5);
      at += 1;
      const v = le(4);
      if (v <= 0x3fffffff) throw new CodecError('non-minimal compact encoding');
      return [v, at + 4];
    }
  }
}

const compactU32Dec = decoder((bytes): number => {
  const [value, next] = readCompactU32(bytes, bytes.i);
  bytes.i = next;
  return value;
});

/** SCALE `Compact<u32>` as bytes (the one compact encoder of the project). */
export function encodeCompactU32(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  if (n < 1 << 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  if (n < 1 << 30) {
    const v = (n * 4 + 2) >>> 0;
    return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  }
  return Uint8Array.of(3, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
}

/** `Compact<u32>` with parity-scale-codec's rules: minimal encodings only, at most u32::MAX. */
export const compactU32: Codec<number> = createCodec(encodeCompactU32, compactU32Dec);

/** `Vec<u8>`: a compact length, then the bytes; a length past the input is an error. */
export const bytes: Codec<Uint8Array> = createCodec<Uint8Array>(
  Bytes().enc,
  decoder((input) => {
    const len = compactU32Dec(input);
    if (input.i + len > input.byteLength) throw new CodecError('vector length exceeds the input');
    const out = new Uint8Array(input.buffer, input.i, len).slice();
    input.i += len;
    return out;
  }),
);

/** `Option<T>` with parity-scale-codec's tag rule: 0 is None, 1 is Some, anything else fails. */
export function Option<T>(inner: Codec<T>): Codec<T | undefined> {
  return createCodec(
    (v: T | undefined) => (v === undefined ? new Uint8Array([0]) : concat([1], inner.enc(v))),
    decoder((input) => {
      if (input.i >= input.byteLength) throw new CodecError('not enough data for an Option tag');
      const tag = new DataView(input.buffer).getUint8(input.i);
      input.i += 1;
      if (tag === 0) return undefined;
      if (tag === 1) return inner.dec(input);
      throw new CodecError(`invalid Option tag ${tag}`);
    }),
  );
}

/**
 * `BoundedVec<T, max>`: encodes like `Vec<T>`; decoding refuses more than `max` items, as
 * sp-core's `BoundedVec::decode` does ("BoundedVec exceeds its limit").
 */
export function BoundedVec<T>(inner: Codec<T>, max: number): Codec<T[]> {
  return createCodec(
    Vector(inner).enc,
    decoder((input) => {
      const n = compactU32Dec(input);
      if (n > max) throw new CodecError(`vector of ${n} items exceeds its bound of ${max}`);
      const out: T[] = [];
      for (let k = 0; k < n; k++) out.push(inner.dec(input));
      return out;
    }),
  );
}

/** `Vec<T>`: items are read one by one, so a declared length past the data fails when it runs out. */
export const Vec = <T>(inner: Codec<T>): Codec<T[]> => BoundedVec(inner, 0xffffffff);

/**
 * Decodes all of `input` with `codec`, or throws {@link CodecError}: trailing bytes, input that
 * ends early and over-long vectors are all refused (parity-scale-codec's `decode_all`).
 */
export function decodeAll<T>(codec: Codec<T>, input: Uint8Array): T {
  const { value, length } = decodePrefix(codec, input);
  if (length !== input.byteLength)
    throw new CodecError(`${input.byteLength - length} trailing byte(s) after the value`);
  return value;
}

/**
 * Decodes a value from the start of `input` and says how many bytes it took; bytes after it
 * are ignored, as parity-scale-codec's `Decode::decode(&mut &bytes[..])` ignores them. Input
 * that ends early and malformed encodings throw {@link CodecError}. Because these codecs are
 * canonical (minimal compacts, strict tags), `input.subarray(0, length)` is the value's
 * encoding.
 */
export function decodePrefix<T>(codec: Codec<T>, input: Uint8Array): { value: T; length: number } {
  // scale-ts reads from `input.buffer` at offset 0, ignoring a view's byteOffset: hand it a
  // buffer of exactly the input.
  const exact =
    input.byteOffset === 0 && input.byteLength === input.buffer.byteLength ? input : input.slice();
  let end = 0;
  let value: T;
  try {
    value = decoder((b) => {
      const v = codec.dec(b);
      end = b.i;
      return v;
    })(exact.buffer as ArrayBuffer);
  } catch (err) {
    if (err instanceof CodecError) throw err;
    // DataView reads past the end throw RangeError.
    throw new CodecError(`input ends early: ${(err as Error).message}`);
  }
  return { value, length: end };
}

function concat(a: ArrayLike<number>, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
