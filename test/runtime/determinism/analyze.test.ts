// The determinism step's one walk: what it records for the rewrite, the order in which it
// reports refusals (the reference's), and the layout it hands over instead of a second parse.
import { describe, expect, it } from 'vitest';
import { analyzeModule } from '../../../runtime/determinism/analyze.js';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import type { ModuleLayout } from '../../../runtime/wasm/types.js';
import { wat } from '../../support/wat.js';

const layoutOf = (m: ModuleLayout) => ({
  sections: m.sections,
  imports: m.imports,
  memories: m.memories,
  exports: m.exports,
});

describe('analyzeModule', () => {
  it('records calls to defined functions and NaN-producing operations, per function', async () => {
    const m = parseModule(
      await wat(`(module (import "env" "f" (func))
        (func $int (call 0) (call $float (f32.const 1)))
        (func $float (param f32) (drop (f32.add (local.get 0) (f32.neg (local.get 0)))))
        (func $double (result f64) (f64.sqrt (f64.const 2))))`),
    );
    const a = analyzeModule(m);
    if (a.kind !== 'analyzed') throw new Error(a.message);
    const { firstSite, sites, nanSites } = a.plan;
    const of = (k: number) => [...sites.subarray(firstSite[k]! * 3, firstSite[k + 1]! * 3)];
    // $int: the import call is not a site; `call $float` is (callee 2).
    expect(of(0).filter((_, i) => i % 3 === 2)).toEqual([2]);
    // $float: f32.add (kind 1) only, f32.neg keeps its payload; $double: f64.sqrt (kind 2).
    expect(of(1).filter((_, i) => i % 3 === 2)).toEqual([-1]);
    expect(of(2).filter((_, i) => i % 3 === 2)).toEqual([-2]);
    expect([...nanSites]).toEqual([0, 1, 1]);
    expect(a.costError).toBeUndefined();
    expect([...a.costs]).toEqual([0, 3, 4, 3]); // max heights (from 2), no declared locals
  });

  it('reports a refused construct even after a function the limiter cannot measure', async () => {
    const text = `(module (func $three (param i32 i32 i32)) (func unreachable call $three)
      (func (drop (i32.extend8_s (i32.const 1)))))`;
    expect(analyzeModule(parseModule(await wat(text)))).toMatchObject({
      kind: 'refused',
      stage: 'prevalidation',
      funcIndex: 2,
    });
    const measured = analyzeModule(
      parseModule(await wat(text.replace('(i32.extend8_s (i32.const 1))', '(i32.const 1)'))),
    );
    expect(measured).toMatchObject({ costError: { message: 'stack underflow', funcIndex: 1 } });
  });
});

describe('the layout handed over with the instrumented bytes', () => {
  it.each([
    ['no global section', '(module (memory (export "memory") 1) (func (export "f")))'],
    [
      'globals, a start, elements, data and custom sections around them',
      `(module (@custom "first" (before first) "a") (import "env" "memory" (memory 2))
        (import "env" "g" (global i32)) (global $h (mut i32) (i32.const 7))
        (table 2 funcref) (elem (i32.const 0) $f $g) (func $f (export "f")) (func $g (call $f))
        (start $g) (data (i32.const 8) "xyz") (@custom "last" "bb"))`,
    ],
    [
      'a float function (scratch locals) and extended constants',
      `(module (memory 1) (global i32 (i32.add (i32.const 1) (i32.const 2)))
        (func (export "f") (param f64) (result f64) (f64.add (local.get 0) (local.get 0))))`,
    ],
  ])('%s: the same as parsing the output', async (_what, text) => {
    const out = makeDeterministic(await wat(text));
    if (out.kind !== 'instrumented') throw new Error(out.message);
    expect(out.layout.bytes).toBe(out.bytes);
    expect(layoutOf(out.layout)).toEqual(layoutOf(parseModule(out.bytes)));
  });
});
