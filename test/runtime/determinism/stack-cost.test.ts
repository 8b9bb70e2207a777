// The stack cost function against wasm-instrument 0.4.0's own test vectors
// (src/stack_limiter/max_height.rs tests: `N + ACTIVATION_FRAME_COST`) and its quirks.
import { describe, expect, it } from 'vitest';
import { analyzeModule } from '../../../runtime/determinism/analyze.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import { wat } from '../../support/wat.js';

/** The costs the determinism step's walk computes, or the stack limiter's error. */
async function costs(text: string) {
  const a = analyzeModule(parseModule(await wat(text)));
  if (a.kind !== 'analyzed') throw new Error(a.message);
  return a.costError === undefined
    ? ({ kind: 'costs', costs: a.costs } as const)
    : ({ kind: 'error', ...a.costError } as const);
}

async function costOf(text: string, funcIndex = 0): Promise<number> {
  const c = await costs(text);
  if (c.kind !== 'costs') throw new Error(c.message);
  return c.costs[funcIndex]!;
}

describe('stack costs (wasm-instrument 0.4.0 max_height + locals)', () => {
  // The vectors of wasm-instrument's max_height.rs tests; expected = max height + 2.
  it.each([
    ['simple_test', '(module (func i32.const 1 i32.const 2 i32.const 3 drop drop drop))', 3],
    ['implicit_and_explicit_return', '(module (func (result i32) i32.const 0 return))', 1],
    [
      'dont_count_in_unreachable',
      '(module (memory 0) (func (result i32) unreachable memory.grow))',
      0,
    ],
    [
      'yet_another_test',
      '(module (memory 0) (func i32.const 0 i32.const 1 drop drop unreachable i32.const 0 i32.const 1 i32.const 2 drop drop drop))',
      2,
    ],
    [
      'call_indirect',
      `(module (type $t (func)) (table 1 1 funcref) (elem (i32.const 0) func 1)
         (func (call_indirect (type $t) (i32.const 0)) (call_indirect (type $t) (i32.const 0)))
         (func i64.const 42 drop))`,
      1,
    ],
    [
      'breaks',
      '(module (func block (result i32) block (result i32) i32.const 99 br 1 end end drop))',
      1,
    ],
    [
      'if_else_works',
      '(module (func i32.const 7 i32.const 1 if (result i32) i32.const 42 else i32.const 99 end i32.const 97 drop drop drop))',
      3,
    ],
  ])('%s', async (_name, text, height) => {
    expect(await costOf(text)).toBe(height + 2);
  });

  it('adds declared locals but not parameters', async () => {
    // i32.add of two params: height 2 + 2 pushes = 4 (wasm-instrument's expectations/*.wat)
    expect(
      await costOf('(module (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'),
    ).toBe(4);
    expect(
      await costOf('(module (func (param i32 i32) (local i64 f32 f32) local.get 0 drop))'),
    ).toBe(3 + 3);
  });

  it('gives imported functions cost 0 and counts the callee signature', async () => {
    const c = await costs(`(module (import "env" "f" (func (param i32 i32 i32) (result i32)))
      (func i32.const 1 i32.const 2 i32.const 3 call 0 drop))`);
    expect(c.kind === 'costs' && [...c.costs]).toEqual([0, 5]);
  });

  it('carries the then-branch height into else (no reset)', async () => {
    // `if` pops to 2; the then-branch pushes to 3; `else` keeps 3 and its branch pushes to 4,
    // seen before `end`. A validator-style reset would give 3.
    expect(
      await costOf(
        '(module (func (param i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 end drop))',
      ),
    ).toBe(4);
  });

  it('reproduces "stack underflow" on valid code after unreachable at function level', async () => {
    // Valid wasm (the stack is polymorphic), but wasm-instrument's height starts at 2 while the
    // function frame starts at 0: popping 3 arguments underflows.
    const c = await costs(`(module (func $f (param i32 i32 i32))
      (func unreachable call $f))`);
    expect(c).toEqual({ kind: 'error', message: 'stack underflow', funcIndex: 1 });
  });

  it('refuses a br_table whose targets differ in arity', async () => {
    // Valid: after `unreachable` the stack is polymorphic, but wasm-instrument compares arities.
    const c = await costs(
      `(module (func (result i32) block (result i32) loop unreachable br_table 0 1 end end))`,
    );
    expect(c).toMatchObject({ kind: 'error', message: 'Arity of all jump-targets must be equal' });
  });
});
