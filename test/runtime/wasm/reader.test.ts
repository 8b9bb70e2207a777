import { describe, expect, it } from 'vitest';
import { Reader, WasmParseError } from '../../../runtime/wasm/reader.js';
import { oneFunction, v8Validates } from '../../support/wasm-bytes.js';

const at = (bytes: number[]) => new Reader(new Uint8Array(bytes));

// [encoding, value or 'error'] — the spec's limits (§5.2.2): at most ceil(N/7) bytes, and the
// unused bits of the last byte zero (unsigned) or copies of the sign bit (signed).
const U32: [number[], number | 'error'][] = [
  [[0x00], 0],
  [[0x7f], 127],
  [[0x80, 0x01], 128],
  [[0xe5, 0x8e, 0x26], 624485],
  [[0x80, 0x80, 0x80, 0x80, 0x00], 0], // non-minimal but within 5 bytes: allowed
  [[0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffff],
  [[0xff, 0xff, 0xff, 0xff, 0x1f], 'error'], // a 33rd bit
  [[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'error'], // 6 bytes
  [[0x80], 'error'], // truncated
  [[], 'error'],
];

const I32: [number[], number | 'error'][] = [
  [[0x00], 0],
  [[0x7f], -1],
  [[0x40], -64],
  [[0x3f], 63],
  [[0x80, 0x7f], -128],
  [[0xc0, 0xbb, 0x78], -123456],
  [[0xff, 0xff, 0xff, 0xff, 0x07], 2147483647],
  [[0x80, 0x80, 0x80, 0x80, 0x78], -2147483648],
  [[0xff, 0xff, 0xff, 0xff, 0x7f], -1], // 5-byte -1: sign bits consistent
  [[0xff, 0xff, 0xff, 0xff, 0x0f], 'error'], // bit 3 set, bits 4..6 clear
  [[0x80, 0x80, 0x80, 0x80, 0x70], 'error'], // bits 4..6 set, bit 3 clear
  [[0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'error'],
  [[0xff], 'error'],
];

const I64: [number[], bigint | 'error'][] = [
  [[0x00], 0n],
  [[0x7f], -1n],
  [[0x80, 0x01], 128n],
  [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], 0x7fffffffffffffffn],
  [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f], -0x8000000000000000n],
  [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'error'],
  [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'error'],
];

const U64: [number[], bigint | 'error'][] = [
  [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 0xffffffffffffffffn],
  [[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], 'error'],
  [[0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], 'error'],
];

const S33: [number[], number | 'error'][] = [
  [[0x40], -64],
  [[0x7f], -1],
  [[0x01], 1],
  [[0x80, 0x01], 128],
  [[0xff, 0xff, 0xff, 0xff, 0x0f], 0xffffffff],
  [[0x80, 0x80, 0x80, 0x80, 0x70], -(2 ** 32)],
  [[0x80, 0x80, 0x80, 0x80, 0x20], 'error'],
  [[0x80, 0x80, 0x80, 0x80, 0x10], 'error'],
];

function check<T>(read: (r: Reader) => T, bytes: number[], expected: T | 'error') {
  const r = at(bytes);
  if (expected === 'error') {
    expect(() => read(r)).toThrow(WasmParseError);
  } else {
    expect(read(r)).toBe(expected);
    expect(r.pos).toBe(bytes.length);
  }
}

describe('LEB128', () => {
  it.each(U32)('u32 %j -> %s', (b, v) => check((r) => r.u32(), b, v));
  it.each(I32)('i32 %j -> %s', (b, v) => check((r) => r.i32(), b, v));
  it.each(I64)('i64 %j -> %s', (b, v) => check((r) => r.i64(), b, v));
  it.each(U64)('u64 %j -> %s', (b, v) => check((r) => r.u64(), b, v));
  it.each(S33)('s33 %j -> %s', (b, v) => check((r) => r.s33(), b, v));

  it.each(I32)('skipLeb(32, signed) agrees on %j', (b, v) =>
    check((r) => (r.skipLeb(32, true), r.pos), b, v === 'error' ? 'error' : b.length),
  );
  it.each(I64)('skipLeb(64, signed) agrees on %j', (b, v) =>
    check((r) => (r.skipLeb(64, true), r.pos), b, v === 'error' ? 'error' : b.length),
  );
  it.each(U64)('u64AsNumber agrees on %j', (b, v) =>
    check(
      (r) => r.u64AsNumber(),
      b,
      v === 'error' ? 'error' : Number(v) >= 2 ** 53 ? Infinity : Number(v),
    ),
  );

  // V8 is the oracle: i32.const/i64.const immediates it accepts are exactly the ones we read.
  it.each([...I32.map(([b]) => ['i32', b] as const), ...I64.map(([b]) => ['i64', b] as const)])(
    'V8 agrees on %s.const %j',
    (type, b) => {
      const wasm = oneFunction({ code: [type === 'i32' ? 0x41 : 0x42, ...b, 0x1a] });
      let ours = true;
      try {
        if (type === 'i32') at(b).i32();
        else at(b).i64();
      } catch {
        ours = false;
      }
      if (b.length === 0 || b[b.length - 1]! >= 0x80) ours = false;
      expect(v8Validates(wasm)).toBe(ours);
    },
  );

  it('reports the offset where an integer starts', () => {
    const r = new Reader(new Uint8Array([0x01, 0x80, 0x80]), 1);
    try {
      r.u32();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(WasmParseError);
      expect((err as WasmParseError).offset).toBe(1);
      expect((err as Error).message).toMatch(/unexpected end.*at byte 1/);
    }
  });
});

describe('names and vectors', () => {
  it('reads a UTF-8 name', () => {
    expect(at([0x05, 0xc3, 0xa9, 0x74, 0xc3, 0xa9]).name()).toBe('été');
  });

  it('refuses malformed UTF-8', () => {
    expect(() => at([0x02, 0xc3, 0x28]).name()).toThrow(/malformed UTF-8/);
  });

  it('refuses a name longer than the input', () => {
    expect(() => at([0x05, 0x61]).name()).toThrow(/unexpected end/);
  });

  it('refuses a vector count the input cannot hold, before allocating', () => {
    expect(() => at([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]).vec((r) => r.u8())).toThrow(
      /exceeds the remaining input/,
    );
    expect(() => at([0xff, 0xff, 0xff, 0xff, 0x0f]).u32Vec()).toThrow(/exceeds/);
  });

  it('reads vectors of items and indices', () => {
    expect(at([0x02, 0x05, 0x80, 0x01]).vec((r) => r.u32())).toEqual([5, 128]);
    expect([...at([0x02, 0x05, 0x80, 0x01]).u32Vec()]).toEqual([5, 128]);
  });

  it('take returns a view and respects the range end', () => {
    const r = new Reader(new Uint8Array([1, 2, 3, 4]), 1, 3);
    expect([...r.take(2)]).toEqual([2, 3]);
    expect(r.atEnd).toBe(true);
    expect(() => r.u8()).toThrow(WasmParseError);
  });
});
