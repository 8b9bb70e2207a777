// The reusable glue evaluation (runtime/wasi/component/reusable-glue.ts) against the reference
// path (jco's glue evaluated afresh for every validation): on sequences that mix normal ends,
// `err` results, exits and traps, every outcome must be the same, field for field — so a guest
// cannot tell which path ran it (fresh memory, globals and resource handles every time).
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTOR_PARAMS, type EngineOutcome } from '../../../runtime/engine/index.js';
import {
  type PreparedComponent,
  prepareComponent,
  validateBlockComponent,
} from '../../../runtime/wasi/component/pvf.js';
import { reusableGlue } from '../../../runtime/wasi/component/reusable-glue.js';
import { componentFromWat, wasiExample } from '../../support/wasi-pvfs.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';

const V = '0.2.3';

/**
 * validate-block by the first params byte: 0 → ok, whose head data is the 8 bytes at 8192
 * (never written by a data segment) ‖ a global counter after incrementing it ‖ the stdout
 * handle ‖ random-u64; before returning it writes 0xff over 8192..8200 and prints "hello".
 * 1 → wasi:cli/exit(err); 2 → unreachable; 3 → err("bad block"); 4 → out-of-bounds load;
 * 5 → dirties memory and the counter, then traps.
 */
const STATE_GUEST = `(module
  (import "wasi:cli/stdout@${V}" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@${V}" "[method]output-stream.blocking-write-and-flush" (func $write (param i32 i32 i32 i32)))
  (import "wasi:random/random@${V}" "get-random-u64" (func $random (result i64)))
  (import "wasi:cli/exit@${V}" "exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 16384))
  (global $count (mut i32) (i32.const 0))
  (data (i32.const 100) "hello\\n")
  (data (i32.const 120) "bad block")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (local.get $p) (i32.add (local.get 3) (i32.const 8))))
    (local.get $p))
  (func $dirty
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i64.store (i32.const 8192) (i64.const -1)))
  (func (export "validate-block") (param $ptr i32) (param $len i32) (result i32)
    (local $op i32) (local $h i32)
    (local.set $op (i32.load8_u (local.get $ptr)))
    (if (i32.eq (local.get $op) (i32.const 1)) (then (call $exit (i32.const 1))))
    (if (i32.eq (local.get $op) (i32.const 2)) (then unreachable))
    (if (i32.eq (local.get $op) (i32.const 3)) (then
      (i32.store8 (i32.const 0) (i32.const 1))
      (i32.store (i32.const 4) (i32.const 120)) (i32.store (i32.const 8) (i32.const 9))
      (return (i32.const 0))))
    (if (i32.eq (local.get $op) (i32.const 4)) (then (drop (i32.load (i32.const -8)))))
    (if (i32.eq (local.get $op) (i32.const 5)) (then (call $dirty) unreachable))
    ;; ValidationResult at 4096: compact(24) = 0x60, 24 head bytes, 11 zero bytes
    (i32.store8 (i32.const 4096) (i32.const 0x60))
    (i64.store (i32.const 4097) (i64.load (i32.const 8192)))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.store (i32.const 4105) (global.get $count))
    (local.set $h (call $get_stdout))
    (i32.store (i32.const 4109) (local.get $h))
    (i64.store (i32.const 4113) (call $random))
    (i64.store (i32.const 4121) (i64.const 0)) (i32.store (i32.const 4129) (i32.const 0))
    (call $write (local.get $h) (i32.const 100) (i32.const 6) (i32.const 32))
    (i64.store (i32.const 8192) (i64.const -1))
    (i32.store8 (i32.const 0) (i32.const 0))
    (i32.store (i32.const 4) (i32.const 4096)) (i32.store (i32.const 8) (i32.const 36))
    (i32.const 0)))`;

async function prepared(code: Uint8Array): Promise<PreparedComponent> {
  const p = prepareComponent(code, DEFAULT_EXECUTOR_PARAMS);
  if (p.kind !== 'prepared') throw new Error(p.message);
  return p.prepared;
}

/** The same component on the reference path: the glue evaluated afresh for every validation. */
const reference = (p: PreparedComponent): PreparedComponent => ({
  ...p,
  glue: { ...p.glue, reusable: 'reference path' },
  live: {},
});

describe('reusable component glue', () => {
  it('takes the reusable path for the examples and the test guests', async () => {
    for (const code of [
      await wasiExample('component-adder'),
      await componentFromWat(STATE_GUEST, 'pvf:runtime/pvf-wasi'),
    ])
      expect(typeof (await prepared(code)).glue.reusable).toBe('function');
  });

  it('gives exactly the reference outcomes over normal ends, err, exits and traps', async () => {
    const fast = await prepared(await componentFromWat(STATE_GUEST, 'pvf:runtime/pvf-wasi'));
    const slow = reference(fast);
    const ops = [0, 0, 5, 0, 3, 0, 1, 0, 2, 0, 4, 0, 0, 3, 3, 0, 5, 5, 0];
    const got: EngineOutcome[] = [];
    for (const [i, op] of ops.entries()) {
      const params = new Uint8Array([op, i]);
      const a = validateBlockComponent(fast, params);
      expect(a, `op ${op} at ${i}`).toEqual(validateBlockComponent(slow, params));
      got.push(a);
    }
    // The guest saw zeros where the last call wrote 0xff, its counter at 1, the same handle.
    const oks = got.filter((o) => o.kind === 'valid');
    expect(oks).toHaveLength(10);
    for (const o of oks) {
      if (o.kind !== 'valid') continue;
      expect([...o.result.subarray(1, 9)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(new DataView(o.result.buffer, o.result.byteOffset).getUint32(9, true)).toBe(1);
      expect(o.logs).toEqual([{ level: 3, target: 'stdout', message: 'hello' }]);
    }
    expect(new Set(oks.map((o) => o.kind === 'valid' && o.result[13]))).toHaveLength(1);
    expect(got.map((o) => o.kind === 'invalid' && o.reason)).toContain('out-of-bounds');
  });

  it('gives the adder byte-identical results on a chain', async () => {
    const fast = await prepared(await wasiExample('component-adder'));
    const slow = reference(fast);
    const chain = new AdderChain();
    for (let i = 0; i < 30; i++) {
      const { params } = chain.next();
      expect(validateBlockComponent(fast, params)).toEqual(validateBlockComponent(slow, params));
    }
  });

  it('refuses glue whose instance part holds state it does not know how to reset', () => {
    const glue = [
      'export function instantiate(getCoreModule, imports, instantiateCore) {',
      'let gen= (function* _initGenerator () {',
      '  const seen = new Map();',
      '  let exports0;',
      '  ({ exports: exports0 } = instantiateCore(getCoreModule("a")));',
      '  return { validateBlock,  };',
      '})();',
      '}',
    ].join('\n');
    expect(reusableGlue(glue)).toMatch(/unexpected per-instance declaration: const seen/);
    // Negative control: the same text without the unknown state is accepted.
    expect(typeof reusableGlue(glue.replace('  const seen = new Map();\n', ''))).toBe('function');
    // A trampoline that is not a lowered host import (an async built-in) is refused too.
    const builtin = glue.replace(
      '  const seen = new Map();',
      '  let trampoline3 = waitableSetNew.bind(null, 0);',
    );
    expect(reusableGlue(builtin)).toMatch(/unexpected per-instance declaration: let trampoline3/);
  });
});
