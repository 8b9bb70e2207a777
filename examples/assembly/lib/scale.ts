// A SCALE reader over guest memory with parity-scale-codec's `Decode` rules, which the
// reference test parachains use: little-endian integers, canonical `Compact<u32>` lengths only
// (a longer-than-needed form is "out of range"), and a length that runs past the input is an
// error. Reading past the end sets `failed` instead of trapping, so the caller can panic with
// the message the reference's `.expect(...)` would give.

let cursor: usize = 0;
let end: usize = 0;
/** Set once any read ran out of input or met a non-canonical compact; sticky until `open`. */
export let failed = false;

/** Starts reading `[ptr, ptr + len)`. */
export function open(ptr: usize, len: usize): void {
  cursor = ptr;
  end = ptr + len;
  failed = false;
}

/** The address of the next unread byte. */
export function position(): usize {
  return cursor;
}

/** Consumes `n` bytes and returns their address; on shortage sets `failed` and returns 0. */
export function take(n: usize): usize {
  if (failed || n > end - cursor) {
    failed = true;
    return 0;
  }
  const at = cursor;
  cursor += n;
  return at;
}

export function readU8(): u32 {
  const at = take(1);
  return failed ? 0 : load<u8>(at);
}

export function readU32(): u32 {
  const at = take(4);
  return failed ? 0 : load<u32>(at);
}

export function readU64(): u64 {
  const at = take(8);
  return failed ? 0 : load<u64>(at);
}

/**
 * `Compact<u32>`, as parity-scale-codec decodes it: the two low bits of the first byte pick a
 * 1-, 2- or 4-byte form or (0b11 with upper bits 0) a following u32; each form must be the
 * shortest one for its value.
 */
export function readCompactU32(): u32 {
  const prefix = readU8();
  if (failed) return 0;
  switch (prefix & 3) {
    case 0:
      return prefix >> 2;
    case 1: {
      const next = readU8();
      if (failed) return 0;
      const value = (prefix | (next << 8)) >> 2;
      if (value > 0x3f) return value;
      break;
    }
    case 2: {
      const rest = take(3);
      if (failed) return 0;
      const value =
        (prefix | ((<u32>load<u8>(rest)) << 8) | ((<u32>load<u16>(rest + 1)) << 16)) >> 2;
      if (value > 0x3fff) return value;
      break;
    }
    default: {
      if (prefix >> 2 != 0) break;
      const value = readU32();
      if (value > 0x3fffffff) return value;
    }
  }
  failed = true;
  return 0;
}

/** `Vec<u8>`: a compact length, then that many bytes. Returns their address; see `lastLength`. */
export function readBytes(): usize {
  lastLength = readCompactU32();
  return take(lastLength);
}

/** The length of the byte string `readBytes` last returned. */
export let lastLength: usize = 0;
