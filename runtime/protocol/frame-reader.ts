// Splits a byte stream into frames (see messages.ts for the layout). A frame that lies inside
// one received chunk is handed out as a subarray of it (no copy); a frame spanning chunks is
// assembled once into a buffer of exactly its size, into which a reader may also read directly
// (`pendingTarget`), so a 10 MiB PoV is copied at most once in user space.
import { FRAME_HEADER_BYTES, ProtocolError } from './wire.js';

export interface Frame {
  readonly tag: number;
  readonly id: number;
  /** The body; valid until the caller returns control to the reader. */
  readonly body: Uint8Array;
}

export class FrameReader {
  /** Bytes of an incomplete header or small frame carried over from the previous chunk. */
  private carry: Buffer = Buffer.alloc(0);
  /** The frame being assembled across chunks, with its header already parsed. */
  private big: { tag: number; id: number; body: Buffer; filled: number } | undefined;

  /**
   * @param maxFrameBytes the largest frame accepted from this peer, checked on the header,
   *   before anything is allocated for the body (the two directions have different limits:
   *   messages.ts MAX_HOST_FRAME_BYTES and MAX_WORKER_FRAME_BYTES).
   */
  constructor(private readonly maxFrameBytes: number) {}

  /**
   * Feeds one chunk; calls `onFrame` for every completed frame in order.
   * @throws {ProtocolError} on an oversized or malformed header (the stream is then unusable).
   */
  feed(chunk: Uint8Array, onFrame: (f: Frame) => void): void {
    let data = chunk;
    let off = 0;
    if (this.big !== undefined) {
      const b = this.big;
      const n = Math.min(data.length, b.body.length - b.filled);
      b.body.set(data.subarray(0, n), b.filled);
      b.filled += n;
      off = n;
      if (b.filled < b.body.length) return;
      this.big = undefined;
      onFrame({ tag: b.tag, id: b.id, body: b.body });
    }
    if (this.carry.length > 0) {
      data = Buffer.concat([this.carry, data.subarray(off)]);
      off = 0;
      this.carry = Buffer.alloc(0);
    }
    while (data.length - off >= FRAME_HEADER_BYTES) {
      const view = new DataView(data.buffer, data.byteOffset + off, FRAME_HEADER_BYTES);
      const rest = view.getUint32(0, true);
      if (rest < FRAME_HEADER_BYTES - 4 || rest + 4 > this.maxFrameBytes)
        throw new ProtocolError(`bad frame length ${rest}`);
      const tag = view.getUint8(4);
      const id = view.getUint32(5, true);
      const total = rest + 4;
      const bodyLen = total - FRAME_HEADER_BYTES;
      const have = data.length - off;
      if (have >= total) {
        onFrame({ tag, id, body: data.subarray(off + FRAME_HEADER_BYTES, off + total) });
        off += total;
        continue;
      }
      if (bodyLen >= 64 * 1024) {
        // Large frame: allocate its final buffer now and fill it as bytes arrive.
        const body = Buffer.allocUnsafe(bodyLen);
        const part = data.subarray(off + FRAME_HEADER_BYTES);
        body.set(part, 0);
        this.big = { tag, id, body, filled: part.length };
        return;
      }
      break;
    }
    if (off < data.length) this.carry = Buffer.from(data.subarray(off));
  }

  /**
   * While a large frame is incomplete: the region its remaining bytes go to, so a synchronous
   * reader can `readSync` straight into it; then call `filled(n)`.
   */
  pendingTarget(): Uint8Array | undefined {
    const b = this.big;
    return b === undefined ? undefined : b.body.subarray(b.filled);
  }

  /** Records `n` bytes written into `pendingTarget()`; calls `onFrame` when it completes. */
  filled(n: number, onFrame: (f: Frame) => void): void {
    const b = this.big;
    if (b === undefined) throw new ProtocolError('no frame is pending');
    b.filled += n;
    if (b.filled < b.body.length) return;
    this.big = undefined;
    onFrame({ tag: b.tag, id: b.id, body: b.body });
  }

  /** True when no partial frame is buffered (a clean point to stop reading). */
  idle(): boolean {
    return this.big === undefined && this.carry.length === 0;
  }
}
