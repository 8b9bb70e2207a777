// Through a sealed worker, which makes the next instance of the last code while it waits for
// the next request (runtime/worker/jobs.ts `idle`, runtime/engine/standby.ts): every call sees
// a fresh instance, whether the call before it returned, trapped or grew memory. The engine's
// own test (test/runtime/engine/standby.test.ts) has the negative controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationHost } from '../../../src/host/validation-host.js';
import { createTestHost } from '../../support/test-host.js';
import { wat } from '../../support/wat.js';

/** Reports [mem[100], mem[2000], last byte, memory.size, $g], then dirties them; 1 grows, 2 traps. */
const PROBE = `(module
  (memory (export "memory") 2)
  (global (export "__heap_base") i32 (i32.const 4096))
  (global $g (mut i32) (i32.const 7))
  (data (i32.const 2000) "\\2a")
  (func (export "probe") (param $p i32) (param $l i32) (result i64) (local $last i32)
    (local.set $last (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))
    (i32.store8 (i32.const 0) (i32.load8_u (i32.const 100)))
    (i32.store8 (i32.const 1) (i32.load8_u (i32.const 2000)))
    (i32.store8 (i32.const 2) (i32.load8_u (local.get $last)))
    (i32.store8 (i32.const 3) (memory.size))
    (i32.store8 (i32.const 4) (global.get $g))
    (i32.store8 (i32.const 100) (i32.const 0xff))
    (i32.store8 (i32.const 2000) (i32.const 0xff))
    (i32.store8 (local.get $last) (i32.const 0xff))
    (global.set $g (i32.const 99))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 1)) (then (drop (memory.grow (i32.const 1)))))
    (if (i32.eq (i32.load8_u (local.get $p)) (i32.const 2)) (then unreachable))
    (i64.or (i64.const 0) (i64.shl (i64.const 5) (i64.const 32)))))`;

describe.runIf(process.platform === 'linux')('standby instances in a sealed worker', () => {
  let host: ValidationHost;
  beforeAll(async () => {
    host = await createTestHost();
  });
  afterAll(() => host?.close());

  it('one request at a time and many in flight: each call sees a fresh instance', async () => {
    const code = await wat(PROBE);
    const modes = [0, 0, 1, 0, 2, 0, 1, 1, 0, 0, 2, 0];
    const check = (mode: number, out: Awaited<ReturnType<ValidationHost['call']>>) => {
      if (mode === 2) expect(out.kind).toBe('invalid');
      else expect(out.kind === 'returned' ? [...out.output] : out).toEqual([0, 0x2a, 0, 2, 7]);
    };
    for (const mode of modes)
      check(mode, await host.call({ code, fn: 'probe', input: Uint8Array.of(mode) }));
    const outs = await Promise.all(
      modes.map((mode) => host.call({ code, fn: 'probe', input: Uint8Array.of(mode) })),
    );
    modes.forEach((mode, i) => check(mode, outs[i]!));
  });
});
