// The deterministic stack limit end to end: a recursive PVF succeeds at the deepest recursion
// the logical limit allows and traps one level deeper, identically under different V8 flags,
// thread stack sizes and on a main thread with a raised RLIMIT_STACK. Each run is a child
// process (V8 flags are per process).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GUEST_THREAD_STACK_MB,
  guestStackSizeMb,
  mainThreadStack,
} from '../../../runtime/determinism/native-stack.js';
import { DEFAULT_LOGICAL_STACK_MAX } from '../../../runtime/determinism/limits.js';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { analyzeModule } from '../../../runtime/determinism/analyze.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import { wat } from '../../support/wat.js';

const PROBE = join(import.meta.dirname, '../../support/stack-probe.mjs');

// `rec` recurses directly with one parameter (the smallest frames); `ind` recurses through
// the table with 64 parameters, so every level also runs an uncharged thunk (the most native
// stack per logical unit we found).
const P = 64;
const extra = Array.from({ length: P - 1 }, (_, i) => `(local.get ${i + 1})`).join(' ');
const SOURCE = `(module
  (type $t (func (param i32 ${Array.from({ length: P - 1 }, () => 'i32').join(' ')}) (result i32)))
  (table 1 funcref) (elem (i32.const 0) $ind)
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $ind (export "ind") (type $t)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) ${extra} (i32.const 0))
        (i32.const 1))))))`;

let dir: string;
let file: string;
let raw: string;
const deepest: Record<string, number> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stack-limit-'));
  const bytes = await wat(SOURCE);
  const costs = analyzeModule(parseModule(bytes));
  if (costs.kind !== 'analyzed') throw new Error(costs.message);
  // The exported thunk charges cost(f) on entry and every recursive call charges it again;
  // n recursive calls peak at cost(f) * (n + 1), which must stay <= 65536.
  deepest.rec = Math.floor(DEFAULT_LOGICAL_STACK_MAX / costs.costs[0]!) - 1;
  deepest.ind = Math.floor(DEFAULT_LOGICAL_STACK_MAX / costs.costs[1]!) - 1;
  const out = makeDeterministic(bytes);
  if (out.kind !== 'instrumented') throw new Error(out.message);
  file = join(dir, 'instrumented.wasm');
  writeFileSync(file, out.bytes);
  raw = join(dir, 'raw.wasm');
  writeFileSync(raw, bytes);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function probe(
  flags: string[],
  module: string,
  name: string,
  ns: number[],
  stackMb?: number,
): string[] {
  const args = [
    ...flags,
    PROBE,
    module,
    name,
    ns.join(','),
    ...(stackMb ? ['--stack-mb', String(stackMb)] : []),
  ];
  return JSON.parse(
    execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 }),
  ) as string[];
}

const GUEST_MB = guestStackSizeMb(DEFAULT_LOGICAL_STACK_MAX);

describe('deterministic stack limit', () => {
  it('sizes the guest thread from the reference budget (128 B/unit + 8 MiB)', () => {
    expect(GUEST_MB).toBe(17);
    // The worker's loop thread: for the largest StackLogicalMax the reference accepts.
    expect(GUEST_THREAD_STACK_MB).toBe(guestStackSizeMb(131072));
    expect(GUEST_THREAD_STACK_MB).toBe(25);
  });

  it.each([
    ['default tiering', [], GUEST_MB],
    ['Liftoff only (largest frames)', ['--liftoff-only'], GUEST_MB],
    ['TurboFan only', ['--no-liftoff'], GUEST_MB],
    ['--stack-size=500 (ignored by threads)', ['--stack-size=500'], GUEST_MB],
    ['a 4x larger thread stack', [], 4 * GUEST_MB],
  ])('traps exactly one level past the limit: %s', (_name, flags, mb) => {
    for (const name of ['rec', 'ind']) {
      const n = deepest[name]!;
      expect(probe(flags, file, name, [n, n + 1], mb)).toEqual([`ok:${n}`, 'trap:unreachable']);
    }
  });

  it.runIf(process.platform === 'linux')(
    'is identical on a main thread with RLIMIT_STACK raised and --stack-size',
    () => {
      const { rlimitStackBytes, nodeFlag } = mainThreadStack(DEFAULT_LOGICAL_STACK_MAX);
      const n = deepest.ind!;
      const cmd = `ulimit -s ${Math.ceil(rlimitStackBytes / 1024)} && exec "$0" "$@"`;
      const out = execFileSync(
        'sh',
        ['-c', cmd, process.execPath, nodeFlag, PROBE, file, 'ind', `${n},${n + 1}`],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(JSON.parse(out)).toEqual([`ok:${n}`, 'trap:unreachable']);
    },
  );

  it('negative control: with a small stack V8 overflows first, and uninstrumented depth depends on the stack', () => {
    const n = deepest.ind!;
    expect(probe([], file, 'ind', [n], 1)).toEqual(['range-error']);
    // Without instrumentation the same call succeeds or fails depending on the machine's stack.
    const deep = 20 * n;
    expect(probe([], raw, 'ind', [deep], 2)).toEqual(['range-error']);
    expect(probe([], raw, 'ind', [deep], 64)).toEqual([`ok:${deep}`]);
  });
});
