// Mutated real modules: the reader either reads them or throws WasmParseError (never another
// exception, never a hang), and never refuses a module V8 accepts. FUZZ_N and FUZZ_SEED run
// more or other mutants (e.g. FUZZ_N=3000 for a longer search).
import { describe, expect, it } from 'vitest';
import { inspectModule } from '../../../runtime/wasm/inspect.js';
import { WasmParseError } from '../../../runtime/wasm/reader.js';
import { fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import { v8Validates } from '../../support/wasm-bytes.js';

// xorshift32: a fixed seed keeps every run the same.
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function mutate(base: Uint8Array, rand: (n: number) => number): Uint8Array {
  const out = base.slice();
  switch (rand(3)) {
    case 0: // flip a few bytes
      for (let k = 0, n = 1 + rand(4); k < n; k++) out[rand(out.length)] = rand(256);
      return out;
    case 1: // truncate
      return out.subarray(0, 8 + rand(out.length - 8));
    default: {
      // overwrite a byte with a LEB128-ish edge value
      const at = 8 + rand(out.length - 8);
      out[at] = [0x00, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0xfc, 0xfd][rand(8)]!;
      return out;
    }
  }
}

describe.runIf(HAVE_FIXTURES)('mutated adder.wasm', () => {
  it('reads or refuses each mutant with WasmParseError, and accepts whatever V8 accepts', () => {
    const base = fixture('pvf/adder.wasm');
    const rand = rng(Number(process.env.FUZZ_SEED ?? 0x5eed));
    let accepted = 0;
    let refused = 0;
    for (let k = 0; k < Number(process.env.FUZZ_N ?? 400); k++) {
      const wasm = mutate(base, rand);
      let error: unknown;
      try {
        inspectModule(wasm);
        accepted++;
      } catch (err) {
        error = err;
        refused++;
      }
      if (error !== undefined) {
        expect(error).toBeInstanceOf(WasmParseError);
        expect(v8Validates(wasm)).toBe(false);
      }
    }
    // Both outcomes must occur, or the mutations test nothing.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });
});
