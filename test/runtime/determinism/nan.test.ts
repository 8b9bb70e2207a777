// NaN canonicalization: results of the operations Cranelift canonicalizes come out as
// 0x7fc00000 / 0x7ff8000000000000; sign-bit operations keep the payload; other values pass
// unchanged. Bits are observed through reinterpret, so JS never touches a NaN.
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import { wat } from '../../support/wat.js';

const F64_CANON = 0x7ff8000000000000n;
const F32_CANON = 0x7fc00000;

const unary = (t: 'f32' | 'f64', op: string) => {
  const i = t === 'f32' ? 'i32' : 'i64';
  return `(func (export "${t}.${op}") (param ${i}) (result ${i})
    (${i}.reinterpret_${t} (${t}.${op} (${t}.reinterpret_${i} (local.get 0)))))`;
};
const binary = (t: 'f32' | 'f64', op: string) => {
  const i = t === 'f32' ? 'i32' : 'i64';
  return `(func (export "${t}.${op}") (param ${i} ${i}) (result ${i})
    (${i}.reinterpret_${t} (${t}.${op} (${t}.reinterpret_${i} (local.get 0)) (${t}.reinterpret_${i} (local.get 1)))))`;
};
const UNARY = ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt'];
const BINARY = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];
const SOURCE = `(module
  ${['f32', 'f64'].flatMap((t) => [...UNARY.map((o) => unary(t as 'f32', o)), ...BINARY.map((o) => binary(t as 'f32', o))]).join('\n')}
  (func (export "demote") (param i64) (result i32)
    (i32.reinterpret_f32 (f32.demote_f64 (f64.reinterpret_i64 (local.get 0)))))
  (func (export "promote") (param i32) (result i64)
    (i64.reinterpret_f64 (f64.promote_f32 (f32.reinterpret_i32 (local.get 0)))))
  (func (export "load") (param i64) (result i64)
    (i64.reinterpret_f64 (f64.reinterpret_i64 (local.get 0))))
  (func (export "int") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))`;

type Fn64 = (...a: bigint[]) => bigint;
type Exports = Record<string, (...a: (number | bigint)[]) => unknown>;

async function build(canonicalizeNans: boolean): Promise<Exports> {
  const out = makeDeterministic(await wat(SOURCE), { canonicalizeNans });
  if (out.kind !== 'instrumented') throw new Error(out.message);
  return new WebAssembly.Instance(new WebAssembly.Module(out.bytes)).exports as unknown as Exports;
}

const f64 = (x: number) => new BigInt64Array(new Float64Array([x]).buffer)[0]!;
const f32 = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0]!;
const u64 = (x: unknown) => BigInt.asUintN(64, x as bigint);
const u32 = (x: unknown) => (x as number) >>> 0;

// Quiet and signalling NaNs with payloads, both signs.
const NAN64 = [0x7ff4000000000001n, 0xfff8000000000123n, 0x7ffc0000deadbeefn].map((x) =>
  BigInt.asIntN(64, x),
);
const NAN32 = [0x7fa00001, 0xffc00123 | 0, 0x7fe0beef];

describe('NaN canonicalization (Cranelift canonicalize_nans, wasmtime 36)', () => {
  let e: Exports;
  beforeAll(async () => {
    e = await build(true);
  });

  it.each(['add', 'sub', 'mul', 'div', 'min', 'max'])(
    'f64.%s of a NaN operand gives 0x7ff8000000000000',
    (op) => {
      for (const n of NAN64) {
        expect(u64(e[`f64.${op}`]!(n, f64(1)))).toBe(F64_CANON);
        expect(u64(e[`f64.${op}`]!(f64(-2), n))).toBe(F64_CANON);
      }
    },
  );

  it.each(['add', 'sub', 'mul', 'div', 'min', 'max'])(
    'f32.%s of a NaN operand gives 0x7fc00000',
    (op) => {
      for (const n of NAN32) {
        expect(u32(e[`f32.${op}`]!(n, f32(1)))).toBe(F32_CANON);
        expect(u32(e[`f32.${op}`]!(f32(-2), n))).toBe(F32_CANON);
      }
    },
  );

  it.each(['ceil', 'floor', 'trunc', 'nearest', 'sqrt'])(
    '%s of a NaN gives the canonical NaN',
    (op) => {
      for (const n of NAN64) expect(u64(e[`f64.${op}`]!(n))).toBe(F64_CANON);
      for (const n of NAN32) expect(u32(e[`f32.${op}`]!(n))).toBe(F32_CANON);
    },
  );

  it('canonicalizes generated NaNs (0/0, inf-inf, sqrt(-1)), which V8 makes 0xfff8…', () => {
    expect(u64(e['f64.div']!(f64(0), f64(0)))).toBe(F64_CANON);
    expect(u64(e['f64.sub']!(f64(Infinity), f64(Infinity)))).toBe(F64_CANON);
    expect(u64(e['f64.sqrt']!(f64(-1)))).toBe(F64_CANON);
    expect(u32(e['f32.div']!(f32(0), f32(0)))).toBe(F32_CANON);
  });

  it('canonicalizes f32.demote_f64 and f64.promote_f32 of NaNs', () => {
    for (const n of NAN64) expect(u32(e.demote!(n))).toBe(F32_CANON);
    for (const n of NAN32) expect(u64(e.promote!(n))).toBe(F64_CANON);
  });

  it('keeps the payload through neg, abs and copysign (sign-bit operations)', () => {
    const n = BigInt.asIntN(64, 0x7ff4000000000001n);
    expect(u64(e['f64.neg']!(n))).toBe(0xfff4000000000001n);
    expect(u64(e['f64.abs']!(BigInt.asIntN(64, 0xfff4000000000001n)))).toBe(0x7ff4000000000001n);
    expect(u64(e['f64.copysign']!(n, f64(-1)))).toBe(0xfff4000000000001n);
    expect(u32(e['f32.neg']!(0x7fa00001))).toBe(0xffa00001);
    expect(u32(e['f32.abs']!(0xffa00001 | 0))).toBe(0x7fa00001);
    expect(u32(e['f32.copysign']!(0x7fa00001, f32(-1)))).toBe(0xffa00001);
    expect(u64(e.load!(n))).toBe(0x7ff4000000000001n); // reinterpret round trip untouched
  });

  it('leaves non-NaN results bit for bit, including signed zeros', () => {
    expect(e['f64.add']!(f64(1.5), f64(2.25))).toBe(f64(3.75));
    expect(u64(e['f64.min']!(f64(0), f64(-0)))).toBe(u64(f64(-0)));
    expect(e['f32.mul']!(f32(3), f32(0.5))).toBe(f32(1.5));
    expect(u64(e['f64.sqrt']!(f64(-0)))).toBe(u64(f64(-0)));
  });

  it('negative control: without the pass V8 keeps payloads and makes negative NaNs', async () => {
    const raw = await build(false);
    const payload = u64(raw['f64.add']!(BigInt.asIntN(64, 0x7ffc0000deadbeefn), f64(1)));
    expect(payload).not.toBe(F64_CANON);
    expect(u64(raw['f64.div']!(f64(0), f64(0)))).not.toBe(F64_CANON);
  });

  it('adds nothing to functions without float arithmetic', async () => {
    const original = parseModule(await wat(SOURCE));
    const out = makeDeterministic(original.bytes);
    if (out.kind !== 'instrumented') throw new Error(out.message);
    const m = parseModule(out.bytes);
    const last = original.code.length - 1; // "int"
    const body = (mod: typeof m, k: number) =>
      Buffer.from(mod.bytes.subarray(mod.code[k]!.start, mod.code[k]!.end));
    expect(body(m, last)).toEqual(body(original, last)); // integer only
    expect(body(m, 0)).toEqual(body(original, 0)); // f32.abs: a sign-bit operation
    expect(body(m, 2).length).toBeGreaterThan(body(original, 2).length); // f32.ceil
  });

  it('uses scratch globals in a function already at V8’s 50000-local limit', async () => {
    const locals = Array.from({ length: 49999 }, () => 'f64').join(' ');
    const text = await wat(`(module (func (export "f") (param i64) (result i64) (local ${locals})
      (i64.reinterpret_f64 (f64.add (f64.reinterpret_i64 (local.get 0)) (f64.const 1)))))`);
    const out = makeDeterministic(text);
    if (out.kind !== 'instrumented') throw new Error(out.message);
    const f = new WebAssembly.Instance(new WebAssembly.Module(out.bytes)).exports.f as Fn64;
    expect(u64(f(BigInt.asIntN(64, 0x7ff4000000000001n)))).toBe(F64_CANON);
    expect(parseModule(out.bytes).globals).toHaveLength(3); // counter + f32/f64 scratch
  });
});
