// A PoV as a collator ships it: sp-maybe-compressed-blob's `compress` output, the 8-byte
// prefix then a zstd frame (substrate/primitives/maybe-compressed-blob/src/lib.rs). The frame
// here is written with stored (raw) blocks (RFC 8878 §3.1.1.2): a well-formed zstd frame every
// decoder reads, made without a compressor dependency; it is not smaller than its content, which
// a validator neither needs nor checks.

/** `ZSTD_PREFIX`: the prefix every collator used until typed prefixes (version byte 5). */
const PREFIX = [0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** `Block_Maximum_Size`: 128 KiB. */
const MAX_BLOCK = 128 * 1024;

/** The prefixed, zstd-framed PoV of SCALE `ParachainBlockData` bytes. */
export function shippedPov(blockData: Uint8Array): Uint8Array {
  // Frame header: single segment, an 8-byte frame content size (descriptor 0b11_1_00000).
  const header = [...PREFIX, ...ZSTD_MAGIC, 0xe0];
  let size = BigInt(blockData.length);
  for (let k = 0; k < 8; k++, size >>= 8n) header.push(Number(size & 0xffn));
  const blocks = Math.max(1, Math.ceil(blockData.length / MAX_BLOCK));
  const out = new Uint8Array(header.length + 3 * blocks + blockData.length);
  out.set(header);
  let at = header.length;
  for (let k = 0; k < blocks; k++) {
    const chunk = blockData.subarray(k * MAX_BLOCK, (k + 1) * MAX_BLOCK);
    // Block header: size << 3 | type raw (0) << 1 | last.
    const v = (chunk.length << 3) | (k === blocks - 1 ? 1 : 0);
    out.set([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff], at);
    out.set(chunk, at + 3);
    at += 3 + chunk.length;
  }
  return out;
}
