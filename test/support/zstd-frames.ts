// Hand-made zstd frames (RFC 8878 §3.1.1) for tests: raw and RLE blocks need no compressor, so
// bombs and edge cases are built here, byte for byte, without tools CI may lack.

export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export interface FrameHeader {
  /** log2 of the window size (10..41); ignored for single-segment frames. */
  windowLog?: number;
  /** Declared decompressed size (written as an 8-byte field), or undefined for none. */
  contentSize?: number;
  /** Single-segment: no window descriptor, the window is the content size. */
  singleSegment?: boolean;
}

export function frameHeader(h: FrameHeader = {}): number[] {
  const fcs = h.contentSize === undefined ? 0 : 3;
  const ss = h.singleSegment ? 1 : 0;
  const out = [...ZSTD_MAGIC, (fcs << 6) | (ss << 5)];
  if (!ss) out.push(((h.windowLog ?? 17) - 10) << 3);
  if (h.contentSize !== undefined) {
    let v = BigInt(h.contentSize);
    for (let k = 0; k < 8; k++, v >>= 8n) out.push(Number(v & 0xffn));
  }
  return out;
}

const blockHeader = (type: number, size: number, last: boolean) => {
  const v = (size << 3) | (type << 1) | (last ? 1 : 0);
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff];
};

export const rawBlock = (bytes: number[], last = true): number[] => [
  ...blockHeader(0, bytes.length, last),
  ...bytes,
];

export const rleBlock = (byte: number, size: number, last = true): number[] => [
  ...blockHeader(1, size, last),
  byte,
];

/** A frame of `totalBytes` zeros in 128 KiB RLE blocks: ~4 bytes per 128 KiB. */
export function zeroBomb(totalBytes: number, header: FrameHeader = {}): Uint8Array {
  const block = 128 * 1024;
  const n = Math.ceil(totalBytes / block);
  const out = new Uint8Array(frameHeader(header).length + 4 * n);
  out.set(frameHeader(header));
  let at = frameHeader(header).length;
  for (let k = 0; k < n; k++) {
    const size = Math.min(block, totalBytes - k * block);
    out.set(rleBlock(0, size, k === n - 1), at);
    at += 4;
  }
  return out;
}

/** A skippable frame (magic 0x184D2A5?) carrying `payload`. */
export const skippableFrame = (payload: number[]): number[] => [
  0x50,
  0x2a,
  0x4d,
  0x18,
  payload.length & 0xff,
  (payload.length >> 8) & 0xff,
  0,
  0,
  ...payload,
];

/** The Substrate compressed-blob prefix with `version` (5 legacy, 6 PoV, 7 wasm, 8 PVM). */
export const blobPrefix = (version: number): number[] => [
  0x52,
  0xbc,
  0x53,
  0x76,
  0x46,
  0xdb,
  0x8e,
  version,
];
