// Feature gating: each post-MVP proposal V8 would silently accept is refused with the
// reference's error class, naming the proposal, the instruction and the function.
import { describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { decompressAs } from '../../../runtime/blob/code-blob.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import type { ModuleLayout } from '../../../runtime/wasm/types.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import { wat } from '../../support/wat.js';

// Function 0 is MVP and harmless; the refused construct sits in function 1 where it can.
const fn1 = (body: string, extra = '') => `(module (memory 1) ${extra} (func nop) (func ${body}))`;

describe('feature gating: refused like parity-wasm 0.45 / wasmtime 36 refuse', () => {
  it.each([
    ['sign-extension', fn1('(drop (i32.extend8_s (i32.const 1)))'), 'i32.extend8_s'],
    [
      'saturating-float-to-int',
      fn1('(drop (i32.trunc_sat_f32_s (f32.const 1)))'),
      'i32.trunc_sat_f32_s',
    ],
    ['bulk-memory', fn1('(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))'), 'memory.fill'],
    ['bulk-memory', fn1('(memory.copy (i32.const 0) (i32.const 0) (i32.const 0))'), 'memory.copy'],
    ['reference-types', fn1('(drop (ref.is_null (ref.null func)))'), 'ref.null'],
    ['simd', fn1('(drop (v128.const i64x2 0 0))'), 'v128.const'],
    ['tail-call', fn1('(return_call 0)'), 'return_call'],
    ['exceptions-exnref', fn1('(try_table)'), 'try_table'],
    ['threads', fn1('(drop (i32.atomic.load (i32.const 0)))', ''), 'i32.atomic.load'],
  ])('%s: %s', async (feature, text, opcode) => {
    const out = makeDeterministic(await wat(text));
    expect(out).toMatchObject({
      kind: 'refused',
      stage: 'prevalidation',
      feature,
      opcode,
      funcIndex: 1,
    });
    if (out.kind === 'refused')
      expect(out.message).toMatch(/^cannot deserialize module: instruction .* in function 1/);
  });

  it.each([
    ['multi-value', '(module (func (result i32 i32) i32.const 0 i32.const 1))'],
    [
      'multi-value',
      '(module (type $t (func (result i32 i32))) (func (drop (drop (block (type $t) (i32.const 0) (i32.const 1))))))',
    ],
    ['reference-types', '(module (func (param externref)))'],
    ['reference-types', '(module (table 1 externref))'],
    ['simd', '(module (func (local v128)))'],
    ['simd', '(module (global v128 (v128.const i64x2 0 0)))'],
    ['threads', '(module (memory 1 1 shared))'],
    ['exceptions', '(module (tag $e))'],
    ['bulk-memory', '(module (memory 1) (data "passive"))'],
    ['bulk-memory', '(module (table 1 funcref) (func) (elem func 0))'],
    ['reference-types', '(module (func) (elem declare func 0))'],
  ])('%s in module structure: %s', async (feature, text) => {
    expect(makeDeterministic(await wat(text))).toMatchObject({
      kind: 'refused',
      stage: 'prevalidation',
      feature,
    });
  });

  it('refuses a second table at preparation (wasmtime without reference types; V8 accepts it)', async () => {
    const text = await wat('(module (table 1 funcref) (table 1 funcref))');
    expect(WebAssembly.validate(text)).toBe(true);
    expect(makeDeterministic(text)).toMatchObject({
      kind: 'refused',
      stage: 'preparation',
      feature: 'reference-types',
    });
  });

  it('refuses bulk memory even though WasmExtBulkMemory exists: the parser cannot read it', async () => {
    // The executor parameter only flips wasmtime's `wasm_bulk_memory`; prevalidation's
    // parity-wasm has no `bulk` feature, so the module never reaches wasmtime.
    const out = makeDeterministic(
      await wat(fn1('(memory.fill (i32.const 0) (i32.const 0) (i32.const 0))')),
    );
    expect(out).toMatchObject({ stage: 'prevalidation', feature: 'bulk-memory' });
  });

  // Encodings the reference's single-byte reads refuse while V8 reads a LEB128 index.
  it('refuses a call_indirect whose reserved byte is a multi-byte zero', async () => {
    const base = await wat(
      '(module (type $t (func)) (table 1 funcref) (func (call_indirect (type $t) (i32.const 0))))',
    );
    const at = Buffer.from(base).indexOf(Buffer.from([0x11, 0x00, 0x00]));
    expect(at).toBeGreaterThan(0);
    // Re-encode `call_indirect 0 0` as `call_indirect 0 (0x80 0x00)`; fix the two sizes.
    const bytes = spliceBody(base, at + 2, [0x80, 0x00]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(makeDeterministic(bytes)).toMatchObject({
      kind: 'refused',
      stage: 'prevalidation',
      feature: 'reference-types',
      funcIndex: 0,
    });
  });

  it('accepts a call_indirect whose type index takes two bytes before the reserved 0x00', async () => {
    const types = Array.from({ length: 130 }, (_, k) => `(type $t${k} (func))`).join(' ');
    const bytes = await wat(
      `(module ${types} (table 1 funcref) (func (call_indirect (type $t129) (i32.const 0))))`,
    );
    expect(Buffer.from(bytes).indexOf(Buffer.from([0x11, 0x81, 0x01, 0x00]))).toBeGreaterThan(0);
    expect(makeDeterministic(bytes).kind).toBe('instrumented');
  });

  it('reports malformed input as a prevalidation error', () => {
    const out = makeDeterministic(
      Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05),
    );
    expect(out).toMatchObject({ kind: 'refused', stage: 'prevalidation', feature: 'malformed' });
  });

  it('accepts MVP, including mutable-global imports and exports (on in wasmtime 36)', async () => {
    const out = makeDeterministic(
      await wat(
        '(module (import "env" "g" (global (mut i32))) (global (export "h") (mut i32) (i32.const 0)))',
      ),
    );
    expect(out.kind).toBe('instrumented');
  });
});

describe.runIf(HAVE_FIXTURES)('feature gating on the real PVFs (all MVP)', () => {
  it.each(['pvf/adder.wasm', ...CUMULUS_RUNTIMES.map((r) => r.file)])(
    'accepts %s',
    async (file) => {
      const d = await decompressAs('wasm', fixture(file));
      if (d.kind !== 'ok') throw new Error(d.kind);
      const out = makeDeterministic(d.bytes);
      expect(out.kind).toBe('instrumented');
      if (out.kind !== 'instrumented') return;
      expect(WebAssembly.validate(out.bytes)).toBe(true);
      // The layout handed over instead of a second parse is the output's, exactly.
      expect(layoutOf(out.layout)).toEqual(layoutOf(parseModule(out.bytes)));
    },
  );
});

const layoutOf = (m: ModuleLayout) => ({
  sections: m.sections,
  imports: m.imports,
  memories: m.memories,
  exports: m.exports,
});

/**
 * Replaces the byte at `at` in the only function body by `bytes`, fixing the body size and
 * the code section size (both single-byte LEB128s in these tiny modules).
 */
function spliceBody(m: Uint8Array, at: number, bytes: number[]): Uint8Array {
  const codeAt = m.lastIndexOf(0x0a, at); // code section id precedes the body
  const out = [...m.subarray(0, at), ...bytes, ...m.subarray(at + 1)];
  const grow = bytes.length - 1;
  out[codeAt + 1]! += grow; // section size
  out[codeAt + 3]! += grow; // body size (after the 1-byte count)
  return Uint8Array.from(out);
}
