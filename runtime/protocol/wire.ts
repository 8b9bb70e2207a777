// The two byte-level halves every message codec is built from: a writer that builds one frame
// as a list of chunks, and a bounds-checked reader over one received frame's body. Every
// length read from the wire is checked against the caller's bound before anything is
// allocated or decoded, so a peer cannot make the reader spend more than it allows.
//
// Frame: u32 LE length of the rest | u8 tag | u32 LE request id | body. Body fields are
// little-endian integers and `u32 length + bytes` byte strings.

/** u32 length + u8 tag + u32 request id. */
export const FRAME_HEADER_BYTES = 9;

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Byte strings at least this long are sent by reference instead of copied into the frame. */
const BY_REFERENCE = 4096;
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Builds one frame as a list of chunks (small fields batched, bulk payloads by reference). */
export class FrameWriter {
  private readonly parts: Uint8Array[] = [];
  private cur: Buffer;
  private pos: number;

  constructor(tag: number, id: number) {
    this.cur = Buffer.allocUnsafe(256);
    this.cur.writeUInt8(tag, 4);
    this.cur.writeUInt32LE(id >>> 0, 5);
    this.pos = FRAME_HEADER_BYTES;
  }

  private room(n: number): void {
    if (this.pos + n <= this.cur.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.cur.length * 2, this.pos + n));
    this.cur.copy(next, 0, 0, this.pos);
    this.cur = next;
  }

  u8(v: number): this {
    this.room(1);
    this.cur[this.pos++] = v;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.cur.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.u32(b.length);
    if (b.length < BY_REFERENCE) {
      this.room(b.length);
      this.cur.set(b, this.pos);
      this.pos += b.length;
    } else {
      this.parts.push(this.cur.subarray(0, this.pos), b);
      this.cur = Buffer.allocUnsafe(64);
      this.pos = 0;
    }
    return this;
  }

  str(s: string): this {
    return this.bytes(utf8.encode(s));
  }

  /** Writes the length field and returns the chunks, in order. @throws past `maxFrameBytes` */
  finish(maxFrameBytes: number): Uint8Array[] {
    if (this.pos > 0) this.parts.push(this.cur.subarray(0, this.pos));
    let total = 0;
    for (const p of this.parts) total += p.length;
    if (total > maxFrameBytes)
      throw new ProtocolError(`frame of ${total} bytes exceeds the limit of ${maxFrameBytes}`);
    const first = this.parts[0]!;
    new DataView(first.buffer, first.byteOffset, 4).setUint32(0, total - 4, true);
    return this.parts;
  }
}

/** A bounds-checked cursor over one frame's body; every overrun is a ProtocolError. */
export class BodyReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly body: Uint8Array) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  private need(n: number): void {
    if (this.pos + n > this.body.length) throw new ProtocolError('truncated frame');
  }

  u8(): number {
    this.need(1);
    return this.body[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A count, refused above `max` before anything is read for it. */
  count(max: number, what: string): number {
    const n = this.u32();
    if (n > max) throw new ProtocolError(`${what}: ${n} exceeds the bound of ${max}`);
    return n;
  }

  /** A subarray of the frame (no copy) of at most `max` bytes. */
  bytes(max: number, what: string): Uint8Array {
    const n = this.count(max, what);
    this.need(n);
    const b = this.body.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Strict UTF-8 of at most `max` bytes. */
  str(max: number, what: string): string {
    const b = this.bytes(max, what);
    try {
      return utf8Strict.decode(b);
    } catch {
      throw new ProtocolError(`${what} is not UTF-8`);
    }
  }

  /** One of `table`, by a u8 index. */
  oneOf<T>(table: readonly T[], what: string): T {
    const i = this.u8();
    const v = table[i];
    if (v === undefined) throw new ProtocolError(`${what}: unknown index ${i}`);
    return v;
  }

  end(): void {
    if (this.pos !== this.body.length) throw new ProtocolError('trailing bytes in frame');
  }
}
