// Every refusal of `prepare` carries the stage where the reference meets it — prevalidation
// (parity-wasm), preparation (stack limiter, memory setup, wasmtime's compile) or
// runtime-construction (linking, checked when a runtime is created) — and when a module has
// several faults, the one the reference meets first wins. What only instantiating meets (a
// start function, data segments, the `memory` export) is no refusal of `prepare` at all: the
// reference meets it at each execution, as an invalid candidate.
import { describe, expect, it } from 'vitest';
import { prepare, validateBlock } from '../../../runtime/engine/index.js';
import { wat } from '../../support/wat.js';

const HEAD = `(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))`;
const BAD_IMPORT = `(import "other" "f" (func))`;
/** Valid wasm the stack limiter cannot measure (wasm-instrument's "stack underflow"). */
const COST_ERROR = `(func $three (param i32 i32 i32)) (func unreachable call $three)`;
/** Refused by parity-wasm without its sign_ext feature. */
const SIGN_EXT = `(func (drop (i32.extend8_s (i32.const 1))))`;
/** Well-formed, but not valid wasm: V8 (like wasmtime) refuses it when compiling. */
const ILL_TYPED = `(func (result i32) (i64.const 0))`;

const stageOf = async (text: string) => {
  const out = prepare(await wat(text));
  if (out.kind !== 'prepare-error') throw new Error('prepared');
  return { stage: out.stage, reason: out.reason, message: out.message };
};

describe('prepare stages (the reference prepare job and do_create_runtime)', () => {
  it.each([
    ['prevalidation', 'invalid-wasm', `(module ${HEAD} ${SIGN_EXT})`, /^cannot deserialize module/],
    ['preparation', 'invalid-wasm', `(module ${HEAD} ${COST_ERROR})`, /^cannot inject the stack/],
    [
      'preparation',
      'invalid-wasm',
      `(module ${HEAD} (table 1 funcref) (table 1 funcref))`,
      /2 tables/,
    ],
    [
      'preparation',
      'no-memory',
      `(module (global (export "__heap_base") i32 (i32.const 0)))`,
      /^no memory section found$/,
    ],
    ['preparation', 'invalid-wasm', `(module ${HEAD} ${ILL_TYPED})`, /^cannot create module: /],
    [
      'runtime-construction',
      'bad-import',
      `(module ${BAD_IMPORT} ${HEAD})`,
      /non-env module: other:f/,
    ],
    [
      'runtime-construction',
      'signature-mismatch',
      `(module (import "env" "ext_hashing_blake2_256_version_1" (func (param i32) (result i32))) ${HEAD})`,
      /^signature mismatch/,
    ],
  ])('%s (%s): %s', async (stage, reason, text, message) => {
    const out = await stageOf(text);
    expect(out).toMatchObject({ stage, reason });
    expect(out.message).toMatch(message);
  });

  it('reports bytes that are not wasm as prevalidation', () => {
    expect(prepare(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff))).toMatchObject({
      kind: 'prepare-error',
      stage: 'prevalidation',
      reason: 'invalid-wasm',
    });
  });

  it.each([
    // parity-wasm reads the whole module before the stack limiter runs.
    [
      'a refused opcode after a cost error',
      `(module ${HEAD} ${COST_ERROR} ${SIGN_EXT})`,
      'prevalidation',
    ],
    // The stack limiter runs before wasmtime compiles.
    [
      'a cost error and two tables',
      `(module ${HEAD} (table 1 funcref) (table 1 funcref) ${COST_ERROR})`,
      'preparation',
    ],
    // Compiling precedes creating a runtime (imports, the memory export).
    [
      'an ill-typed body and a bad import',
      `(module ${BAD_IMPORT} ${HEAD} ${ILL_TYPED})`,
      'preparation',
    ],
    ['an ill-typed body and no memory export', `(module (memory 1) ${ILL_TYPED})`, 'preparation'],
  ])('the first stage wins: %s', async (_what, text, stage) => {
    expect((await stageOf(text)).stage).toBe(stage);
  });

  it('the stack limiter message names the first function it cannot measure', async () => {
    expect((await stageOf(`(module ${HEAD} ${COST_ERROR})`)).message).toBe(
      'cannot inject the stack limiter: "stack underflow" (function 1)',
    );
  });

  it.each([
    [
      'a memory exported under another name',
      `(module (memory (export "mem") 1) (global (export "__heap_base") i32 (i32.const 0))
        (func (export "validate_block") (param i32 i32) (result i64) i64.const 0))`,
      /^memory is not exported under `memory` name$/,
    ],
    [
      'a start function that traps',
      `(module ${HEAD} (func $s unreachable) (start $s))`,
      /^failed to instantiate: wasm trap: unreachable$/,
    ],
    [
      'a data segment out of bounds',
      `(module ${HEAD} (data (i32.const 65535) "ab"))`,
      /^failed to instantiate: wasm trap: .*data segment .*out of bounds/,
    ],
  ])('prepares %s; every execution is invalid', async (_what, text, message) => {
    const out = prepare(await wat(text));
    if (out.kind !== 'prepared') throw new Error(out.message);
    for (let k = 0; k < 2; k++) {
      const run = validateBlock(out.prepared, new Uint8Array(0));
      expect(run.kind).toBe('invalid');
      if (run.kind === 'invalid') expect(run.message).toMatch(message);
    }
  });
});
