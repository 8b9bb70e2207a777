// The engine's side of the deterministic stack limit: `StackLogicalMax` reaches the
// instrumentation and sets the exact depth where recursion traps (as `unreachable`, the
// reference's outcome); the option is checked once, naming it; and V8's own stack overflow,
// which can only happen on a stack smaller than the worker's guest thread, is an internal
// error (abstain), never an invalid candidate. test/src/host/stack-limit.test.ts runs the
// default limit end to end on the sealed workers' guest thread.
import { describe, expect, it } from 'vitest';
import {
  DeterminismOptionsError,
  makeDeterministic,
} from '../../../runtime/determinism/prepare.js';
import {
  checkExecutorParams,
  DEFAULT_EXECUTOR_PARAMS,
  ExecutorParamsError,
  prepare,
  validateBlock,
  type PreparedModule,
} from '../../../runtime/engine/index.js';
import { classifyTrap } from '../../../runtime/engine/traps.js';
import { RECURSIVE_PVF_RESULT, recursivePvf } from '../../support/recursive-pvf.js';

const pvf = await recursivePvf();

function load(stackLogicalMax: number): PreparedModule {
  const p = prepare(pvf.code, { stackLogicalMax });
  if (p.kind !== 'prepared') throw new Error(p.message);
  return p.prepared;
}

describe('StackLogicalMax', () => {
  it('defaults to the reference value and is checked once, naming the option', () => {
    expect(DEFAULT_EXECUTOR_PARAMS.stackLogicalMax).toBe(65536);
    expect(checkExecutorParams({ stackLogicalMax: 1024 }).stackLogicalMax).toBe(1024);
    expect(checkExecutorParams({ stackLogicalMax: 131072 }).stackLogicalMax).toBe(131072);
    for (const bad of [1023, 131073, 4096.5, -1, Number.NaN, '65536'])
      expect(() => checkExecutorParams({ stackLogicalMax: bad as number })).toThrow(
        new ExecutorParamsError(
          `stackLogicalMax must be an integer in [1024, 131072], got ${String(bad)}`,
        ),
      );
    expect(() => makeDeterministic(pvf.code, { stackLogicalMax: 1023 })).toThrow(
      DeterminismOptionsError,
    );
  });

  // Small limits keep the native stack far below V8's limit on this (unsized) test thread.
  it.each([
    ['rec', 1024],
    ['ind', 1024],
    ['rec', 2048],
    ['ind', 2048],
  ] as const)(
    '%s under %i: valid at the deepest depth, unreachable one level deeper',
    (shape, max) => {
      const m = load(max);
      const n = pvf.deepest(shape, max);
      expect(n).toBeGreaterThan(0);
      expect(validateBlock(m, pvf.params(shape, n))).toEqual({
        kind: 'valid',
        result: RECURSIVE_PVF_RESULT,
        logs: [],
        logsDropped: 0,
      });
      expect(validateBlock(m, pvf.params(shape, n + 1))).toMatchObject({
        kind: 'invalid',
        reason: 'unreachable',
        message: 'wasm trap: unreachable',
      });
    },
  );

  it('moves the trap point with the parameter (the same depth, two limits)', () => {
    const n = pvf.deepest('rec', 2048);
    expect(validateBlock(load(2048), pvf.params('rec', n)).kind).toBe('valid');
    expect(validateBlock(load(1024), pvf.params('rec', n)).kind).toBe('invalid');
  });
});

describe("V8's own stack overflow", () => {
  it('is an internal error, not the candidate’s fault (negative control: this thread is unsized)', () => {
    // The deepest `ind` recursion the default limit allows needs ~1-3 MiB of native stack:
    // more than a main thread's 984 KiB, so V8 overflows here before the logical check. On the
    // worker's guest thread the same call is valid (test/src/host/stack-limit.test.ts).
    const n = pvf.deepest('ind', DEFAULT_EXECUTOR_PARAMS.stackLogicalMax);
    const out = validateBlock(load(DEFAULT_EXECUTOR_PARAMS.stackLogicalMax), pvf.params('ind', n));
    expect(out.kind).toBe('internal-error');
    if (out.kind === 'internal-error') expect(out.message).toMatch(/^native stack exhausted/);
  });

  it('classifies only the stack RangeError that way; other RangeErrors are host faults too', () => {
    expect(classifyTrap(new RangeError('Maximum call stack size exceeded'))).toMatchObject({
      kind: 'internal-error',
      message: expect.stringMatching(/^native stack exhausted/),
    });
    expect(classifyTrap(new RangeError('Invalid array length'))).toEqual({
      kind: 'internal-error',
      message: 'host fault while running the guest: RangeError: Invalid array length',
    });
  });
});
