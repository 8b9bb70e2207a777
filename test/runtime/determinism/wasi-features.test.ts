// The WASI ABIs' feature policy (runtime/determinism/wasi-features.ts): what real toolchains
// emit is accepted and runs deterministically through the rewrite (stack limiter, table cap,
// bulk-memory bounds), while the Substrate gate still refuses the same modules exactly as
// before; the proposals the policy refuses are named with their location.
import { describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { WASI_MAX_TABLE_ELEMENTS } from '../../../runtime/determinism/wasi-features.js';
import { wat } from '../../support/wat.js';

const wasi = (bytes: Uint8Array) => makeDeterministic(bytes, { policy: 'wasi' });
// The smallest logical stack limit, so recursion meets it long before the test runner's
// native stack (V8's 984 KiB main-thread default) runs out.
const SMALL = { policy: 'wasi', stackLogicalMax: 1024 } as const;

/** Instantiates the WASI rewrite of `text` (no imports) and returns its exports. */
async function run(text: string): Promise<WebAssembly.Exports> {
  const out = makeDeterministic(await wat(text), SMALL);
  if (out.kind !== 'instrumented') throw new Error(out.message);
  return new WebAssembly.Instance(new WebAssembly.Module(out.bytes)).exports;
}
const fn = (e: WebAssembly.Exports, name: string) => e[name] as (...a: number[]) => unknown;

const fn1 = (body: string, extra = '') =>
  `(module (memory 1) ${extra} (func nop) (func (export "f") ${body}))`;

describe('accepted by the WASI policy, refused by the Substrate gate', () => {
  it.each([
    ['sign-extension', fn1('(drop (i32.extend8_s (i32.const 1)))')],
    ['saturating-float-to-int', fn1('(drop (i32.trunc_sat_f32_s (f32.const 1)))')],
    ['bulk-memory', fn1('(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))')],
    ['bulk-memory', fn1('(memory.copy (i32.const 0) (i32.const 0) (i32.const 0))')],
    [
      'bulk-memory',
      fn1('(memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 0)', '(data "x")'),
    ],
    ['reference-types', fn1('(drop (ref.is_null (ref.null func)))')],
    [
      'reference-types',
      fn1('(drop (table.grow 0 (ref.null func) (i32.const 1)))', '(table 1 funcref)'),
    ],
    ['multi-value', '(module (func (export "f") (result i32 i32) i32.const 0 i32.const 1))'],
    [
      'multi-value',
      '(module (func (export "f") (result i32) (i32.const 2) (block (param i32) (result i32 i32) (i32.const 3)) i32.add))',
    ],
  ])('%s: %s', async (feature, text) => {
    const bytes = await wat(text);
    expect(makeDeterministic(bytes)).toMatchObject({ kind: 'refused', feature });
    const out = wasi(bytes);
    expect(out.kind, out.kind === 'refused' ? out.message : '').toBe('instrumented');
    if (out.kind === 'instrumented') expect(WebAssembly.validate(out.bytes)).toBe(true);
  });

  it("accepts clang's five-byte call_indirect table index (a relocation left padded)", async () => {
    // (type (func)) (table 1 funcref) (func $g) (elem (i32.const 0) $g)
    // (func (export "f") (call_indirect (type 0) (i32.const 0))), the table index 0 written
    // as the padded LEB 0x80 0x80 0x80 0x80 0x00 that wasm-ld leaves for a relocation.
    const padded = Uint8Array.of(
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00],
      ...[0x03, 0x03, 0x02, 0x00, 0x00],
      ...[0x04, 0x04, 0x01, 0x70, 0x00, 0x01],
      ...[0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x01],
      ...[0x09, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x01, 0x00],
      ...[0x0a, 0x10, 0x02, 0x02, 0x00, 0x0b],
      ...[0x0b, 0x00, 0x41, 0x00, 0x11, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b],
    );
    expect(WebAssembly.validate(padded)).toBe(true);
    expect(makeDeterministic(padded)).toMatchObject({
      kind: 'refused',
      feature: 'reference-types',
    });
    expect(wasi(padded).kind).toBe('instrumented');
  });
});

describe('refused by the WASI policy, naming the feature and where', () => {
  it.each([
    ['simd', fn1('(drop (v128.const i64x2 0 0))'), 'v128.const'],
    // After `unreachable` no v128 value (itself refused as simd) is needed to reach it.
    ['relaxed-simd', fn1('unreachable i8x16.relaxed_swizzle drop'), 'i8x16.relaxed_swizzle'],
    ['threads', fn1('(drop (i32.atomic.load (i32.const 0)))'), 'i32.atomic.load'],
    ['tail-call', fn1('(return_call 0)'), 'return_call'],
    ['exceptions-exnref', fn1('(try_table)'), 'try_table'],
  ])('%s: %s', async (feature, text, opcode) => {
    const out = wasi(await wat(text));
    expect(out).toMatchObject({ kind: 'refused', feature, opcode, funcIndex: 1 });
    if (out.kind === 'refused')
      expect(out.message).toMatch(
        new RegExp(
          `^WASI PVFs may not use ${feature}: instruction ${opcode} in function 1 \\(at byte \\d+\\)$`,
        ),
      );
  });

  it.each([
    ['threads', '(module (memory 1 1 shared))', 'memory 0 is shared'],
    ['memory64', '(module (memory i64 1))', 'memory 0 has 64-bit limits'],
    ['exceptions', '(module (tag $e))', 'tag section'],
    ['simd', '(module (func (local v128)))', 'a local has type v128 in function 0'],
    ['gc', '(module (type (struct (field i32))))', 'byte 0x5f'],
    ['gc', '(module (type $t (func)) (func (param (ref $t))))', 'byte 0x64'],
  ])('%s in module structure: %s', async (feature, text, what) => {
    const out = wasi(await wat(text));
    expect(out).toMatchObject({ kind: 'refused', feature });
    if (out.kind === 'refused')
      expect(out.message).toContain(`WASI PVFs may not use ${feature}: ${what}`);
  });

  it('refuses a table that starts above the cap', async () => {
    const out = wasi(await wat(`(module (table ${WASI_MAX_TABLE_ELEMENTS + 1} funcref))`));
    expect(out).toMatchObject({ kind: 'refused', stage: 'preparation' });
  });
});

describe('what the accepted instructions do, deterministically', () => {
  it('caps table.grow at WASI_MAX_TABLE_ELEMENTS, with or without a declared maximum', async () => {
    for (const max of ['', ` ${2 * WASI_MAX_TABLE_ELEMENTS}`]) {
      const e = await run(`(module (table 1${max} funcref)
        (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0))))`);
      expect(fn(e, 'grow')(WASI_MAX_TABLE_ELEMENTS)).toBe(-1); // 1 + cap: over it
      expect(fn(e, 'grow')(WASI_MAX_TABLE_ELEMENTS - 1)).toBe(1); // exactly the cap
      expect(fn(e, 'grow')(1)).toBe(-1);
    }
  });

  it('keeps a smaller declared table maximum', async () => {
    const e = await run(`(module (table 1 4 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0))))`);
    expect(fn(e, 'grow')(4)).toBe(-1);
    expect(fn(e, 'grow')(3)).toBe(1);
  });

  it('memory.fill and memory.copy out of bounds trap before writing anything', async () => {
    const e = await run(`(module (memory (export "memory") 1)
      (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 7) (local.get 1)))
      (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2))))`);
    const mem = new Uint8Array((e.memory as WebAssembly.Memory).buffer);
    expect(() => fn(e, 'fill')(65530, 7)).toThrow(/out of bounds/);
    expect(mem.subarray(65530).every((b) => b === 0)).toBe(true);
    fn(e, 'fill')(65530, 6); // exactly to the end
    expect(mem.subarray(65530).every((b) => b === 7)).toBe(true);
    fn(e, 'fill')(65536, 0); // zero bytes at the end: no trap
    expect(() => fn(e, 'copy')(0, 65530, 7)).toThrow(/out of bounds/);
    expect(mem[0]).toBe(0);
    fn(e, 'copy')(65531, 65530, 5); // overlapping: memmove
    expect(mem[65535]).toBe(7);
  });

  it('charges recursion through ref.func and table.set: the logical limit traps, not V8', async () => {
    const e = await run(`(module (type $t (func (param i32) (result i32))) (table 1 funcref)
      (func $r (type $t) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))
      (elem declare func $r)
      (func (export "go") (param i32) (result i32)
        (table.set 0 (i32.const 0) (ref.func $r))
        (call_indirect (type $t) (local.get 0) (i32.const 0))))`);
    expect(fn(e, 'go')(100)).toBe(0);
    // Each level costs a few units of 1,024: a million levels must hit the logical limit.
    expect(() => fn(e, 'go')(1_000_000)).toThrow(/unreachable/);
  });

  it('without the rewrite the same recursion reaches V8 (negative control)', async () => {
    const original = await wat(`(module (type $t (func (param i32) (result i32))) (table 1 funcref)
      (func $r (type $t) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))
      (elem declare func $r)
      (func (export "go") (param i32) (result i32)
        (table.set 0 (i32.const 0) (ref.func $r))
        (call_indirect (type $t) (local.get 0) (i32.const 0))))`);
    const e = new WebAssembly.Instance(new WebAssembly.Module(original)).exports;
    expect(() => fn(e, 'go')(1_000_000)).toThrow(RangeError);
  });

  it('passive element segments and table.init go through thunks too', async () => {
    const e = await run(`(module (type $t (func (param i32) (result i32))) (table 1 funcref)
      (func $r (type $t) (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0)))))
      (elem $s funcref (ref.func $r))
      (func (export "go") (param i32) (result i32)
        (table.init $s (i32.const 0) (i32.const 0) (i32.const 1))
        (call_indirect (type $t) (local.get 0) (i32.const 0))))`);
    expect(fn(e, 'go')(10)).toBe(0);
    expect(() => fn(e, 'go')(1_000_000)).toThrow(/unreachable/);
  });

  it('multi-value blocks are measured: the deepest recursion is the same for every run', async () => {
    const out = makeDeterministic(
      await wat(`(module
      (func $r (export "r") (param i32) (result i32 i32)
        (if (result i32 i32) (i32.eqz (local.get 0)) (then (i32.const 0) (i32.const 0))
          (else (local.get 0)
            (block (param i32) (result i32 i32) (i32.const 1) i32.sub (call $r) drop (i32.const 1))))))`),
      SMALL,
    );
    if (out.kind !== 'instrumented') throw new Error(out.message);
    const module = new WebAssembly.Module(out.bytes);
    // A trap leaves the limiter's counter raised: every attempt gets a fresh instance, as
    // every validation does.
    const r = (n: number) => fn(new WebAssembly.Instance(module).exports, 'r')(n);
    let lo = 1;
    let hi = 1 << 20;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      try {
        r(mid);
        lo = mid;
      } catch {
        hi = mid - 1;
      }
    }
    expect(lo).toBeGreaterThan(50);
    expect(() => r(lo + 1)).toThrow(/unreachable/);
    expect(r(lo)).toEqual([0, 1]);
  });
});
