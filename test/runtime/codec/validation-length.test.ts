// The fast length of a `ValidationResult` (runtime/codec/validation-length.ts) against the
// codec it stands in for: on well-formed results, random and at the edges, it must give the
// codec's length; on anything else (mutations of those, random bytes) it may refuse, but
// whenever it accepts, the codec must accept with the same length. The check that runs on
// every output (engine/result-check.ts) relies on exactly that.
import { describe, expect, it } from 'vitest';
import { checkValidationResult } from '../../../runtime/engine/result-check.js';
import {
  decodeValidationResultPrefix,
  MAX_MESSAGE_NUM,
  validationResult,
  type ValidationResult,
} from '../../../runtime/codec/validation.js';
import { validationResultLength } from '../../../runtime/codec/validation-length.js';

/** A small deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lengths across every compact mode's boundaries. */
const LENGTHS = [0, 1, 63, 64, 100, 16383, 16384, 20000];

function randomResult(r: () => number): ValidationResult {
  const bytes = (max: number) => {
    const n = r() < 0.2 ? LENGTHS[Math.floor(r() * LENGTHS.length)]! : Math.floor(r() * max);
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k++) out[k] = (r() * 256) | 0;
    return out;
  };
  const u32 = () =>
    r() < 0.3 ? [0, 1, 0xffffffff][Math.floor(r() * 3)]! : Math.floor(r() * 2 ** 32);
  return {
    headData: bytes(100),
    newValidationCode: r() < 0.5 ? undefined : bytes(50),
    upwardMessages: Array.from({ length: Math.floor(r() * 4) }, () => bytes(20)),
    horizontalMessages: Array.from({ length: Math.floor(r() * 4) }, () => ({
      recipient: u32(),
      data: bytes(20),
    })),
    processedDownwardMessages: u32(),
    hrmpWatermark: u32(),
  };
}

/** The codec's verdict: the value's length, or -1 when it refuses. */
function codecLength(b: Uint8Array): number {
  try {
    return decodeValidationResultPrefix(b).length;
  } catch {
    return -1;
  }
}

/** Never accepts what the codec refuses, never measures differently. */
function expectSound(b: Uint8Array): void {
  const fast = validationResultLength(b);
  if (fast >= 0) expect(codecLength(b)).toBe(fast);
}

describe('the fast ValidationResult length', () => {
  it('equals the codec on 3,000 random well-formed results, with and without trailing bytes', () => {
    const r = rng(1);
    for (let k = 0; k < 3000; k++) {
      const enc = validationResult.enc(randomResult(r));
      expect(validationResultLength(enc)).toBe(enc.length);
      const padded = new Uint8Array(enc.length + 2);
      padded.set(enc);
      padded.set([0xff, 0x03], enc.length);
      expect(validationResultLength(padded)).toBe(enc.length);
      expect(validationResultLength(padded.subarray(0, 0))).toBe(-1);
    }
  });

  it('never accepts a mutation the codec refuses (truncations, flipped and inserted bytes)', () => {
    const r = rng(2);
    let refusedByCodec = 0;
    for (let k = 0; k < 3000; k++) {
      const enc = validationResult.enc(randomResult(r));
      const cut = enc.subarray(0, Math.floor(r() * enc.length));
      const flipped = enc.slice();
      flipped[Math.floor(r() * enc.length)] = Math.floor(r() * 256);
      const at = Math.floor(r() * enc.length);
      const inserted = new Uint8Array(enc.length + 1);
      inserted.set(enc.subarray(0, at));
      inserted[at] = (r() * 256) | 0;
      inserted.set(enc.subarray(at), at + 1);
      for (const m of [cut, flipped, inserted]) {
        expectSound(m);
        if (codecLength(m) < 0) refusedByCodec++;
      }
    }
    // The mutations reach the refusals (not only re-encodings the codec accepts).
    expect(refusedByCodec).toBeGreaterThan(2000);
  });

  it('never accepts random bytes the codec refuses', () => {
    const r = rng(3);
    for (let k = 0; k < 20000; k++)
      expectSound(Uint8Array.from({ length: Math.floor(r() * 24) }, () => Math.floor(r() * 256)));
  });

  it.each([
    ['a non-minimal one-byte-mode length (2-byte form)', [0x01, 0x00]],
    ['a non-minimal 4-byte-mode length', [0x02, 0x00, 0x01, 0x00]],
    ['a non-minimal big-integer length', [0x03, 0xff, 0xff, 0xff, 0x3f]],
    ['a big-integer length above u32', [0x07, 0, 0, 0, 0, 0]],
    ['an Option tag of 2', [0x00, 0x02]],
    ['a u32 cut short', [0x00, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7]],
  ])('refuses %s, as the codec does', (_name, bytes) => {
    const b = Uint8Array.from(bytes);
    expect(validationResultLength(b)).toBe(-1);
    expect(codecLength(b)).toBe(-1);
  });

  it('accepts exactly MAX_MESSAGE_NUM messages in each list and refuses one more', () => {
    const base = validationResult.enc({
      headData: new Uint8Array(),
      newValidationCode: undefined,
      upwardMessages: [],
      horizontalMessages: [],
      processedDownwardMessages: 0,
      hrmpWatermark: 0,
    });
    for (const [list, item] of [
      ['upwardMessages', new Uint8Array()],
      ['horizontalMessages', { recipient: 1, data: new Uint8Array() }],
    ] as const) {
      const at = { ...validationResult.dec(base), [list]: new Array(MAX_MESSAGE_NUM).fill(item) };
      const enc = validationResult.enc(at);
      expect(validationResultLength(enc)).toBe(enc.length);
      const over = validationResult.enc({ ...at, [list]: [...at[list], item] });
      expect(validationResultLength(over)).toBe(-1);
      expect(codecLength(over)).toBe(-1);
    }
  });

  it('the check takes the fast path and still reports the codec reason when it refuses', () => {
    const enc = validationResult.enc(randomResult(rng(4)));
    expect(checkValidationResult(enc, 'exact')).toEqual({ kind: 'ok', result: enc });
    const padded = Uint8Array.from([...enc, 9]);
    expect(checkValidationResult(padded, 'prefix')).toEqual({ kind: 'ok', result: enc });
    expect(checkValidationResult(padded, 'exact')).toMatchObject({
      kind: 'bad-result',
      message: /trailing/,
    });
    expect(checkValidationResult(Uint8Array.of(0, 2), 'prefix')).toMatchObject({
      kind: 'bad-result',
      message: /Option tag 2/,
    });
  });
});
