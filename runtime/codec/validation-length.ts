// The length of a well-formed SCALE `ValidationResult` at the start of some bytes, found
// without building the value: the fast path of the check every validation's output goes
// through (engine/result-check.ts). It walks the same layout as `validationResult`
// (./validation.ts) with the same rules (minimal compacts of at most u32::MAX, Option tags 0/1,
// both message lists bounded by MAX_MESSAGE_NUM, no read past the input) and answers -1 for
// anything it does not accept; the caller then decodes with the codec, which is the authority
// (and says why). So it may refuse more than the codec, never accept more or measure
// differently (test/runtime/codec/validation-length.test.ts checks that against the codec).
//
// Measured (`npm run bench -- micro`, README Performance): the codec took about 4–6 µs for the
// adder's 85-byte result, two to three times the guest's own work: scale-ts's per-decode setup
// (a Uint8Array subclass and a DataView per call), the value's objects and copies. Plain
// integer offsets and no allocation here.
import { MAX_MESSAGE_NUM } from './validation.js';

/** `ValidationResult`'s encoded length at the start of `b`, or -1 (ask the codec). */
export function validationResultLength(b: Uint8Array): number {
  let at = vec(b, 0); // head_data
  if (at < 0 || at >= b.length) return -1;
  const tag = b[at]!; // new_validation_code: Option<Vec<u8>>
  at += 1;
  if (tag === 1) at = vec(b, at);
  else if (tag !== 0) return -1;
  if (at < 0) return -1;
  // upward_messages: BoundedVec<Vec<u8>, MAX_MESSAGE_NUM>
  let n = compact(b, at);
  if (n < 0 || n > MAX_MESSAGE_NUM) return -1;
  at = next;
  for (let k = 0; k < n && at >= 0; k++) at = vec(b, at);
  if (at < 0) return -1;
  // horizontal_messages: BoundedVec<{ recipient: u32, data: Vec<u8> }, MAX_MESSAGE_NUM>
  n = compact(b, at);
  if (n < 0 || n > MAX_MESSAGE_NUM) return -1;
  at = next;
  for (let k = 0; k < n && at >= 0; k++) at = at + 4 > b.length ? -1 : vec(b, at + 4);
  if (at < 0) return -1;
  // processed_downward_messages, hrmp_watermark: u32 each
  return at + 8 > b.length ? -1 : at + 8;
}

/** Where the last `compact` ended (module state: no tuple per read). */
let next = 0;

/** The offset after the `Vec<u8>` at `at`, or -1 if it is malformed or runs past the input. */
function vec(b: Uint8Array, at: number): number {
  const len = compact(b, at);
  if (len < 0 || next + len > b.length) return -1;
  return next + len;
}

/**
 * parity-scale-codec's `Compact<u32>` at `at` (strict.ts `readCompactU32`'s rules: minimal
 * encodings only, at most u32::MAX), setting `next`; -1 if malformed or past the input.
 */
function compact(b: Uint8Array, at: number): number {
  if (at >= b.length) return -1;
  const first = b[at]!;
  switch (first & 3) {
    case 0:
      next = at + 1;
      return first >>> 2;
    case 1: {
      if (at + 2 > b.length) return -1;
      const v = (first | (b[at + 1]! << 8)) >>> 2;
      next = at + 2;
      return v <= 0x3f ? -1 : v;
    }
    case 2: {
      if (at + 4 > b.length) return -1;
      const v = (first | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 2;
      next = at + 4;
      return v <= 0x3fff ? -1 : v;
    }
    default: {
      if (first >>> 2 !== 0 || at + 5 > b.length) return -1;
      const v = (b[at + 1]! | (b[at + 2]! << 8) | (b[at + 3]! << 16) | (b[at + 4]! << 24)) >>> 0;
      next = at + 5;
      return v <= 0x3fffffff ? -1 : v;
    }
  }
}
