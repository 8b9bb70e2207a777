// Differential fuzzing of the two preparation stages: mutants of real runtimes and of small
// modules go through our prevalidation (makeDeterministic: parity-wasm's reading, the feature
// set, wasmparser's limits, the rewrite) and then through V8's compile of what it produced.
// For MVP code both stages must refuse or accept together:
// - the step never throws, whatever the bytes;
// - a module V8 takes as it is and the step accepts still compiles after the rewrite (the
//   rewrite never breaks valid code);
// - a module V8 refuses is not made valid by the rewrite (it cannot hide an ill-typed body
//   from the compile that stands for wasmtime's), except what the rewrite exists for;
// - a module our reader cannot read at all, V8 cannot read either.
// FUZZ_N multiplies the mutants (e.g. FUZZ_N=20 npx vitest run this file, or
// npm run fuzz:prevalidation for a longer search); FUZZ_SEED picks another sequence.
import { describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { decompressCode } from '../../../runtime/worker/inputs.js';
import { fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import { v8Validates } from '../../support/wasm-bytes.js';
import { wat } from '../../support/wat.js';

const SCALE = Number(process.env.FUZZ_N ?? 1);
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);

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

const EDGE = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x0b, 0x10, 0x11, 0x0e, 0xc0, 0xfc, 0x41];

function mutate(base: Uint8Array, rand: (n: number) => number): Uint8Array {
  const out = base.slice();
  switch (rand(4)) {
    case 0:
      for (let k = 0, n = 1 + rand(4); k < n; k++) out[8 + rand(out.length - 8)] = rand(256);
      return out;
    case 1:
      return out.subarray(0, 8 + rand(out.length - 8));
    case 2: {
      const at = 8 + rand(out.length - 8);
      out[at] = EDGE[rand(EDGE.length)]!;
      return out;
    }
    default: {
      // drop one byte somewhere (shifts everything after it)
      const at = 8 + rand(out.length - 8);
      const cut = new Uint8Array(out.length - 1);
      cut.set(out.subarray(0, at));
      cut.set(out.subarray(at + 1), at);
      return cut;
    }
  }
}

function compiles(bytes: Uint8Array): boolean {
  try {
    new WebAssembly.Module(bytes);
    return true;
  } catch {
    return false;
  }
}

interface Tally {
  accepted: number;
  prevalidation: number;
  preparation: number;
}

function check(mutant: Uint8Array, tally: Tally): void {
  const det = makeDeterministic(mutant); // must not throw
  const v8 = v8Validates(mutant);
  if (det.kind === 'refused') {
    tally[det.stage]++;
    // Our reader's own failure (not a construct parity-wasm refuses: those name their place).
    const unreadable =
      det.stage === 'prevalidation' &&
      det.feature === 'malformed' &&
      !/\(malformed, at byte \d+\)$/.test(det.message);
    if (unreadable) expect(v8, `V8 reads what our reader cannot: ${det.message}`).toBe(false);
    return;
  }
  tally.accepted++;
  const after = compiles(det.bytes);
  if (v8) expect(after, 'the rewrite broke a module V8 takes').toBe(true);
  else if (det.v8Excess === undefined)
    expect(after, 'the rewrite made an invalid module valid').toBe(foldedConstants(mutant));
}

/** Extended constant expressions are folded on purpose (V8 11.3 lacks them). */
function foldedConstants(mutant: Uint8Array): boolean {
  const src = makeDeterministic(mutant);
  if (src.kind !== 'instrumented') return false;
  return src.source.globals.some((g) => g.init.end - g.init.start > 6);
}

const SMALL = [
  `(module (memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))
     (table 2 funcref) (elem (i32.const 0) $a $b)
     (func $a (param i32) (result i32) (local f64)
       local.get 0 f64.convert_i32_s f64.const 1.5 f64.mul local.tee 1 i32.trunc_f64_s)
     (func $b (param i32) (result i32)
       block (result i32) local.get 0 local.get 0 br_table 0 0 0 end)
     (func (export "validate_block") (param i32 i32) (result i64)
       (loop (br_if 0 (i32.eqz (call $a (local.get 0)))))
       (i64.extend_i32_u (call_indirect (param i32) (result i32) (local.get 1) (i32.const 1))))
     (data (i32.const 16) "hello"))`,
  `(module (import "env" "memory" (memory 17)) (global $g (mut i32) (i32.const 0))
     (func $f (param f32 f32) (result f32) local.get 0 local.get 1 f32.div f32.sqrt)
     (func (export "validate_block") (param i32 i32) (result i64)
       global.get $g i32.const 1 i32.add global.set $g
       (drop (call $f (f32.const 0) (f32.const 0))) i64.const 0))`,
];

describe('prevalidation and V8 compile refuse or accept together', () => {
  it('small modules', async () => {
    const tally: Tally = { accepted: 0, prevalidation: 0, preparation: 0 };
    for (const [k, text] of SMALL.entries()) {
      const base = await wat(text);
      expect(compiles(base)).toBe(true);
      const rand = rng(SEED + k);
      for (let n = 0; n < 600 * SCALE; n++) check(mutate(base, rand), tally);
    }
    // The mutants exercise both outcomes.
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.prevalidation).toBeGreaterThan(0);
  });

  it.runIf(HAVE_FIXTURES)(
    'the adder and a Cumulus runtime',
    async () => {
      const tally: Tally = { accepted: 0, prevalidation: 0, preparation: 0 };
      const adder = fixture('pvf/adder.wasm');
      const runtime = await decompressCode(
        fixture('pvf/template-parachain.compact.compressed.wasm'),
      );
      if (runtime.kind !== 'ok') throw new Error(runtime.message);
      const rand = rng(SEED);
      for (let n = 0; n < 300 * SCALE; n++) check(mutate(adder, rand), tally);
      for (let n = 0; n < 12 * SCALE; n++) check(mutate(runtime.bytes, rand), tally);
      expect(tally.accepted).toBeGreaterThan(0);
      expect(tally.prevalidation).toBeGreaterThan(0);
    },
    120_000,
  );
});
