// Every way a guest can fail, on tiny WAT modules: each ends as the right typed outcome (never
// a thrown exception), preparation refuses what sc-executor refuses, memory is capped like
// sc-executor caps it, and the input goes where sc-executor's host allocator puts it.
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { describe, expect, it } from 'vitest';
import {
  callExport,
  prepare,
  validateBlock,
  type ExecutorParams,
  type PreparedModule,
} from '../../../runtime/engine/index.js';

const HEAD = `(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))`;
const PACK = `(func $pack (param i32 i32) (result i64)
  (i64.or (i64.extend_i32_u (local.get 0)) (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32))))`;

async function load(text: string, params: Partial<ExecutorParams> = {}): Promise<PreparedModule> {
  const p = prepare(await parse(text), params);
  if (p.kind !== 'prepared') throw new Error(`${p.reason}: ${p.message}`);
  return p.prepared;
}

/** A module whose validate_block body is `body` (params $p $l, result i64). */
const entry = (body: string, imports = '', extra = '') =>
  `(module ${imports} ${HEAD} ${PACK} ${extra} (func (export "validate_block") (param $p i32) (param $l i32) (result i64) ${body}))`;

describe('invalid outcomes are classified', () => {
  it.each([
    ['unreachable', '(unreachable)'],
    ['out-of-bounds', '(drop (i32.load (i32.const 70000))) (i64.const 0)'],
    ['trap', '(drop (i32.div_u (i32.const 1) (i32.const 0))) (i64.const 0)'],
  ])('%s', async (reason, body) => {
    const out = validateBlock(await load(entry(body)), new Uint8Array(4));
    expect(out).toMatchObject({ kind: 'invalid', reason });
  });

  it('unbounded recursion traps at the logical stack limit (unreachable, as the reference)', async () => {
    // A small limit keeps the native stack far from V8's own limit on this (unsized) thread;
    // test/runtime/engine/stack-limit.test.ts covers the limit's exact depth.
    const m = await load(
      entry(
        '(call $f (i32.const 0)) (i64.const 0)',
        '',
        '(func $f (param i32) (call $f (local.get 0)))',
      ),
      { stackLogicalMax: 1024 },
    );
    expect(validateBlock(m, new Uint8Array(4))).toMatchObject({
      kind: 'invalid',
      reason: 'unreachable',
    });
  });

  it('a result range outside memory is bad-result', async () => {
    const m = await load(entry('(call $pack (i32.const 65000) (i32.const 1000))'));
    expect(validateBlock(m, new Uint8Array(4))).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
    const huge = await load(entry('(i64.const -1)'));
    expect(validateBlock(huge, new Uint8Array(4))).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
  });

  it('bytes that are not a ValidationResult are bad-result; callExport still returns them', async () => {
    const m = await load(entry('(call $pack (local.get $p) (local.get $l))'));
    const out = validateBlock(m, Uint8Array.of(1, 2, 3));
    expect(out).toMatchObject({ kind: 'invalid', reason: 'bad-result' });
    if (out.kind === 'invalid') expect(out.message).toMatch(/^validation result decoding failed/);
    expect(callExport(m, 'validate_block', Uint8Array.of(1, 2, 3))).toMatchObject({
      kind: 'returned',
      output: Uint8Array.of(1, 2, 3),
    });
  });

  it('an exactly-encoded ValidationResult is valid and returned byte for byte', async () => {
    const m = await load(entry('(call $pack (local.get $p) (local.get $l))'));
    // head_data [0xaa], no new code, no messages, 0 processed, watermark 5.
    const result = Uint8Array.of(4, 0xaa, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0);
    expect(validateBlock(m, result)).toEqual({ kind: 'valid', result, logs: [], logsDropped: 0 });
  });

  it('entry points: missing, not a function, wrong signature; missing __heap_base', async () => {
    const m = await load(`(module ${HEAD} (global (export "g") i32 (i32.const 0))
      (func (export "f32") (param i32 i32) (result i32) (i32.const 0)))`);
    const msg = (fn: string) => {
      const o = callExport(m, fn, new Uint8Array());
      return o.kind === 'invalid' ? [o.reason, o.message] : o.kind;
    };
    expect(msg('validate_block')).toEqual([
      'bad-entry-point',
      'Exported method validate_block is not found',
    ]);
    expect(msg('g')).toEqual(['bad-entry-point', 'Export g is not a function']);
    expect(msg('f32')).toEqual([
      'bad-entry-point',
      "Exported function 'f32' has invalid signature.",
    ]);
    const noBase = await load(`(module (memory (export "memory") 1) ${PACK}
      (func (export "validate_block") (param i32 i32) (result i64) (i64.const 0)))`);
    expect(validateBlock(noBase, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'bad-entry-point',
      message: '__heap_base is not found',
    });
  });

  it('a start function calling the host is invalid, not a crash', async () => {
    const m =
      await load(`(module (import "env" "ext_logging_max_level_version_1" (func $lvl (result i32)))
      ${HEAD} (func $start (drop (call $lvl))) (start $start)
      (func (export "validate_block") (param i32 i32) (result i64) (i64.const 0)))`);
    expect(validateBlock(m, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'host-error',
    });
  });
});

describe('the input is placed like sc-executor places it', () => {
  it('at the first host allocation above __heap_base (aligned to 8, after an 8-byte header)', async () => {
    const m = await load(`(module ${PACK} (memory (export "memory") 1)
      (global (export "__heap_base") i32 (i32.const 1001))
      (func (export "where") (param $p i32) (param $l i32) (result i64)
        (i32.store (i32.const 0) (local.get $p)) (call $pack (i32.const 0) (i32.const 4))))`);
    const out = callExport(m, 'where', new Uint8Array(10));
    expect(out.kind).toBe('returned');
    if (out.kind === 'returned')
      expect(new DataView(out.output.buffer).getUint32(0, true)).toBe(1016);
  });
});

describe('linear memory', () => {
  const grow = (pages: number) =>
    entry(
      `(if (i32.eq (memory.grow (i32.const ${pages})) (i32.const -1)) (then unreachable)) (i64.const 0)`,
    );

  it('growth past maxMemoryPages fails inside wasm (memory.grow = -1), ending invalid', async () => {
    const m = await load(grow(2080));
    expect(validateBlock(m, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'unreachable',
    });
  });

  it('growth up to the cap works, and the cap is configurable', async () => {
    const m = await load(grow(2079));
    // Grows fine, then returns (ptr 0, len 0): not a ValidationResult, but not a trap either.
    expect(validateBlock(m, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
    const small = await load(grow(20), { maxMemoryPages: 16 });
    expect(validateBlock(small, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'unreachable',
    });
  });

  it("an exported memory's own maximum is replaced by the cap (sc-executor rewrites it)", async () => {
    const text = grow(100).replace(
      '(memory (export "memory") 1)',
      '(memory (export "memory") 1 2)',
    );
    const m = await load(text);
    expect(validateBlock(m, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
  });

  it('an imported env.memory gets its declared minimum and the cap as maximum', async () => {
    const text = grow(100).replace(
      '(memory (export "memory") 1)',
      '(import "env" "memory" (memory 3 4))',
    );
    const m = await load(text);
    expect(m.memory).toEqual({ kind: 'imported', initialPages: 3 });
    expect(validateBlock(m, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
  });
});

describe('preparation refuses what sc-executor refuses', () => {
  const refused = async (text: string) => prepare(await parse(text));
  it.each([
    ['bad-import', `(module (import "other" "f" (func)) ${HEAD})`],
    ['bad-import', `(module (import "env" "g" (global i32)) ${HEAD})`],
    [
      'signature-mismatch',
      `(module (import "env" "ext_hashing_blake2_256_version_1" (func (param i32) (result i32))) ${HEAD})`,
    ],
    ['no-memory', `(module (global (export "__heap_base") i32 (i32.const 0)))`],
    // A defined memory that is not exported as `memory` prepares: the reference meets it only
    // when instantiating (prepare-stage.test.ts).
  ])('%s', async (reason, text) => {
    expect(await refused(text)).toMatchObject({ kind: 'prepare-error', reason });
  });
  it('invalid-wasm', () => {
    expect(prepare(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff))).toMatchObject({
      kind: 'prepare-error',
      reason: 'invalid-wasm',
    });
  });
});

describe('memory recycling leaves nothing of the previous call', () => {
  // `probe` reports (byte at 100, byte at 2000 from a data segment, last byte of memory,
  // memory.size), then dirties all three and optionally grows memory or traps.
  const probe = `(module ${PACK} (memory (export "memory") 2)
    (global (export "__heap_base") i32 (i32.const 4096))
    (data (i32.const 2000) "\\2a")
    (func (export "probe") (param $p i32) (param $l i32) (result i64) (local $last i32)
      (local.set $last (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))
      (i32.store8 (i32.const 0) (i32.load8_u (i32.const 100)))
      (i32.store8 (i32.const 1) (i32.load8_u (i32.const 2000)))
      (i32.store8 (i32.const 2) (i32.load8_u (local.get $last)))
      (i32.store8 (i32.const 3) (memory.size))
      (i32.store8 (i32.const 100) (i32.const 0xff))
      (i32.store8 (i32.const 2000) (i32.const 0xff))
      (i32.store8 (local.get $last) (i32.const 0xff))
      (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 1)) (then (drop (memory.grow (i32.const 1)))))
      (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 2)) (then unreachable))
      (call $pack (i32.const 0) (i32.const 4))))`;
  const fresh = Uint8Array.of(0, 0x2a, 0, 2);

  it('after a normal call, a trapping call and a growing call, the next call sees a fresh memory', async () => {
    const m = await load(probe);
    const call = (mode: number) => callExport(m, 'probe', Uint8Array.of(mode));
    expect(call(0)).toMatchObject({ kind: 'returned', output: fresh });
    expect(call(0)).toMatchObject({ kind: 'returned', output: fresh });
    expect(call(2)).toMatchObject({ kind: 'invalid', reason: 'unreachable' });
    expect(call(0)).toMatchObject({ kind: 'returned', output: fresh });
    expect(call(1)).toMatchObject({ kind: 'returned', output: fresh }); // grows to 3 pages
    expect(m.memoryState.pool.spare).toBeUndefined(); // a grown memory is not reused
    expect(call(0)).toMatchObject({ kind: 'returned', output: fresh });
    expect(m.memoryState.pool.spare?.buffer.byteLength).toBe(2 * 65536);
    // Instantiating the module directly gets a memory of its own, never the recycled one.
    const direct = new WebAssembly.Instance(m.module, m.imports);
    expect(direct.exports.memory).not.toBe(m.memoryState.pool.spare);
  });
});
