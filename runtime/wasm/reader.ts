// A byte cursor over a wasm binary. LEB128 readers apply the spec's size and range rules
// (WebAssembly Core Specification §5.2.2, "Integers"): an N-bit integer takes at most
// ceil(N/7) bytes, and the unused bits of the last byte must be zero (unsigned) or copies of
// the sign bit (signed). V8 refuses the same encodings, so a module this reader accepts is one
// the engine would also read the same way.

/** Malformed wasm: `offset` is the byte position (in the whole input) where reading failed. */
export class WasmParseError extends Error {
  override name = 'WasmParseError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A cursor over `bytes[pos, end)`. All offsets are absolute positions in `bytes`, so a
 * rewriter can copy ranges out of the original buffer. Methods advance `pos` and throw
 * {@link WasmParseError} on malformed or truncated input.
 */
export class Reader {
  pos: number;
  end: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string, offset = this.pos): never {
    throw new WasmParseError(message, offset);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of input');
    return this.bytes[this.pos++]!;
  }

  /** Reads `n` bytes as a view into the input (no copy). */
  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.fail(`unexpected end of input: ${n} byte(s) needed`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    if (n > this.end - this.pos) this.fail(`unexpected end of input: ${n} byte(s) needed`);
    this.pos += n;
  }

  /** Unsigned LEB128, at most 5 bytes, value < 2^32. */
  u32(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos < this.end) {
      const b = bytes[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    const start = pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) this.fail('unexpected end of input in a LEB128 integer', start);
      const b = bytes[pos++]!;
      if (shift === 28) {
        if (b & 0xf0) this.fail('integer representation too long or too large for u32', start);
        this.pos = pos;
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return result >>> 0;
      }
    }
    return this.fail('unreachable', start);
  }

  /** Signed LEB128, at most 5 bytes, value in [-2^31, 2^31). */
  i32(): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start < this.end) {
      const b = bytes[start]!;
      if (b < 0x80) {
        this.pos = start + 1;
        return (b << 25) >> 25;
      }
    }
    let pos = start;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) this.fail('unexpected end of input in a LEB128 integer', start);
      const b = bytes[pos++]!;
      if (shift === 28) {
        // Bits 4..6 of the last byte must all equal bit 3 (the sign of an i32).
        const high = b & 0x70;
        if (b & 0x80 || (high !== 0 && high !== 0x70) || (high === 0x70) !== ((b & 0x08) !== 0))
          this.fail('integer representation too long or too large for i32', start);
        this.pos = pos;
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        const unused = 32 - shift - 7;
        return (result << unused) >> unused;
      }
    }
    return this.fail('unreachable', start);
  }

  /**
   * Signed LEB128 of 33 bits (a block type), at most 5 bytes. Returned as a number: negative
   * values are the value-type shorthands (`0x40` empty = -64, `0x7f` i32 = -1, ...), a
   * non-negative value is a type index.
   */
  s33(): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start < this.end) {
      const b = bytes[start]!;
      if (b < 0x80) {
        this.pos = start + 1;
        return b & 0x40 ? b - 0x80 : b;
      }
    }
    let pos = start;
    let result = 0;
    let scale = 1;
    for (let k = 0; k < 5; k++) {
      if (pos >= this.end) this.fail('unexpected end of input in a LEB128 integer', start);
      const b = bytes[pos++]!;
      if (k === 4) {
        // 7 bits carry value bits 28..34; bits 5..6 must equal bit 4 (the sign of an s33).
        const high = b & 0x60;
        if (b & 0x80 || (high !== 0 && high !== 0x60) || (high === 0x60) !== ((b & 0x10) !== 0))
          this.fail('integer representation too long or too large for s33', start);
        this.pos = pos;
        result += (b & 0x1f) * scale;
        return b & 0x10 ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        this.pos = pos;
        return b & 0x40 ? result - scale : result;
      }
    }
    return this.fail('unreachable', start);
  }

  /** Unsigned LEB128, at most 10 bytes, value < 2^64. */
  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let k = 0; k < 10; k++) {
      const b = this.u8Leb(start);
      if (k === 9 && b & 0xfe)
        this.fail('integer representation too long or too large for u64', start);
      result |= BigInt(b & 0x7f) << BigInt(7 * k);
      if (b < 0x80) return result;
    }
    return this.fail('integer representation too long', start);
  }

  /** Signed LEB128, at most 10 bytes, value in [-2^63, 2^63). */
  i64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let k = 0; k < 10; k++) {
      const b = this.u8Leb(start);
      if (k === 9 && b !== 0x00 && b !== 0x7f)
        this.fail('integer representation too long or too large for i64', start);
      result |= BigInt(b & 0x7f) << BigInt(7 * k);
      if (b < 0x80)
        return BigInt.asIntN(64, b & 0x40 ? result - (1n << BigInt(7 * k + 7)) : result);
    }
    return this.fail('integer representation too long', start);
  }

  /**
   * Skips a LEB128 integer of `bits` (32, 33 or 64) with the same size and range checks as the
   * readers, without building its value (the hot path for i64 constants and memarg offsets).
   */
  skipLeb(bits: 32 | 64, signed: boolean): void {
    const bytes = this.bytes;
    const start = this.pos;
    const maxBytes = bits === 32 ? 5 : 10;
    let pos = start;
    for (let k = 0; k < maxBytes; k++) {
      if (pos >= this.end) this.fail('unexpected end of input in a LEB128 integer', start);
      const b = bytes[pos++]!;
      if (b < 0x80) {
        if (k === maxBytes - 1 && !lastByteFits(b, bits, signed))
          this.fail(
            `integer representation too long or too large for ${signed ? 'i' : 'u'}${bits}`,
            start,
          );
        this.pos = pos;
        return;
      }
    }
    this.fail(`integer representation too long for ${signed ? 'i' : 'u'}${bits}`, start);
  }

  /**
   * Unsigned LEB128 of up to 64 bits returned as a number (exact below 2^53; memarg offsets of
   * memory64 modules). Values of 2^53 or more are returned as `Infinity`.
   */
  u64AsNumber(): number {
    const bytes = this.bytes;
    const start = this.pos;
    if (start < this.end && bytes[start]! < 0x80) {
      this.pos = start + 1;
      return bytes[start]!;
    }
    let pos = start;
    let result = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      if (pos >= this.end) this.fail('unexpected end of input in a LEB128 integer', start);
      const b = bytes[pos++]!;
      if (k === 9 && b & 0xfe)
        this.fail('integer representation too long or too large for u64', start);
      result += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) {
        this.pos = pos;
        return result < 2 ** 53 ? result : Infinity;
      }
    }
    return this.fail('integer representation too long for u64', start);
  }

  /** A name: a u32 byte length then valid UTF-8 (§5.2.4). */
  name(): string {
    const len = this.u32();
    const at = this.pos;
    const raw = this.take(len);
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('malformed UTF-8 in a name', at);
    }
  }

  /** A vector: a u32 count then `count` items read by `item`. */
  vec<T>(item: (r: Reader) => T): T[] {
    const n = this.u32();
    // Every item takes at least one byte: refuse counts the remaining input cannot hold
    // before allocating anything.
    if (n > this.end - this.pos) this.fail(`vector of ${n} items exceeds the remaining input`);
    const out: T[] = new Array<T>(n);
    for (let k = 0; k < n; k++) out[k] = item(this);
    return out;
  }

  /** A vector of u32 values (indices) into a typed array. */
  u32Vec(): Uint32Array {
    const n = this.u32();
    if (n > this.end - this.pos) this.fail(`vector of ${n} items exceeds the remaining input`);
    const out = new Uint32Array(n);
    for (let k = 0; k < n; k++) out[k] = this.u32();
    return out;
  }

  private u8Leb(start: number): number {
    if (this.pos >= this.end) this.fail('unexpected end of input in a LEB128 integer', start);
    return this.bytes[this.pos++]!;
  }
}

// The last (5th or 10th) byte of a maximal-length LEB128 may only carry the bits that fit.
function lastByteFits(b: number, bits: 32 | 64, signed: boolean): boolean {
  if (bits === 32) {
    if (!signed) return (b & 0xf0) === 0;
    const high = b & 0x70;
    return high === 0 ? (b & 0x08) === 0 : high === 0x70 && (b & 0x08) !== 0;
  }
  return signed ? b === 0x00 || b === 0x7f : (b & 0xfe) === 0;
}
