// The instance made while idle (runtime/engine/standby.ts) must be indistinguishable from one
// made at the start of the call: a probe reports, on every call, a byte its data never sets, a
// data byte, the last byte of memory, memory.size and a mutable global, then dirties all of
// them, and grows memory or traps on request. The negative controls hand the probe an instance
// that already ran, and show the probe sees it.
import { describe, expect, it } from 'vitest';
import { callExport, prepare, type PreparedModule } from '../../../runtime/engine/index.js';
import { makeStandby } from '../../../runtime/engine/standby.js';
import { wat } from '../../support/wat.js';

const PACK = `(func $pack (param i32 i32) (result i64)
  (i64.or (i64.extend_i32_u (local.get 0)) (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32))))`;

/** Reports [mem[100], mem[2000], last byte, memory.size, $g]; input 1 grows, 2 traps. */
const probe = (extra = '') => `(module ${PACK} (memory (export "memory") 2)
  (global (export "__heap_base") i32 (i32.const 4096))
  (global $g (mut i32) (i32.const 7))
  (data (i32.const 2000) "\\2a")
  ${extra}
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
    (call $pack (i32.const 0) (i32.const 5))))`;
const FRESH = [0, 0x2a, 0, 2, 7];

async function load(text: string): Promise<PreparedModule> {
  const p = prepare(await wat(text));
  if (p.kind !== 'prepared') throw new Error(`${p.reason}: ${p.message}`);
  return p.prepared;
}

const call = (m: PreparedModule, mode: number) => callExport(m, 'probe', Uint8Array.of(mode));
const seen = (o: ReturnType<typeof call>) => (o.kind === 'returned' ? [...o.output] : o);

describe('standby instances', () => {
  it('each call on a standby sees a fresh instance, after normal, trapping and growing calls', async () => {
    const m = await load(probe());
    for (const mode of [0, 0, 2, 0, 1, 0, 1, 1, 0, 2, 0]) {
      makeStandby(m);
      // The path under test is taken: a standby waits, and the call consumes it.
      expect(m.memoryState.standby).toBeDefined();
      const out = call(m, mode);
      expect(m.memoryState.standby).toBeUndefined();
      if (mode === 2) expect(out).toMatchObject({ kind: 'invalid', reason: 'unreachable' });
      else expect(seen(out)).toEqual(FRESH);
    }
    // Calls without a standby in between still make their own fresh instance.
    expect(seen(call(m, 1))).toEqual(FRESH);
    expect(seen(call(m, 0))).toEqual(FRESH);
  });

  it('a memory recycled into a standby is zeroed (the pool keeps it dirty until taken)', async () => {
    const m = await load(probe());
    expect(seen(call(m, 0))).toEqual(FRESH);
    const spare = m.memoryState.pool.spare!;
    expect(new Uint8Array(spare.buffer)[100]).toBe(0xff); // what the call left
    makeStandby(m);
    expect(m.memoryState.standby?.memory).toBe(spare);
    expect(new Uint8Array(spare.buffer)[100]).toBe(0);
    expect(seen(call(m, 0))).toEqual(FRESH);
  });

  it('negative control: an instance that already ran, handed over as the standby, is seen', async () => {
    const m = await load(probe());
    makeStandby(m);
    const used = m.memoryState.standby!;
    expect(seen(call(m, 0))).toEqual(FRESH);
    m.memoryState.standby = used; // the leak a wrong standby would be
    expect(seen(call(m, 0))).toEqual([0xff, 0xff, 0xff, 2, 99]);

    makeStandby(m);
    const grown = m.memoryState.standby!;
    expect(seen(call(m, 1))).toEqual(FRESH); // grows to 3 pages
    m.memoryState.standby = grown;
    expect(seen(call(m, 0))).toEqual([0xff, 0xff, 0, 3, 99]);
  });

  it('a module with a start function gets no standby (its code would run outside a job)', async () => {
    const m = await load(probe('(func $start) (start $start)'));
    makeStandby(m);
    expect(m.memoryState.standby).toBeUndefined();
    expect(seen(call(m, 0))).toEqual(FRESH);
  });

  it('an instantiation that fails leaves no standby; the call meets the failure itself', async () => {
    const m = await load(probe('(data (i32.const 200000) "x")'));
    makeStandby(m);
    expect(m.memoryState.standby).toBeUndefined();
    expect(call(m, 0)).toMatchObject({ kind: 'invalid', message: /failed to instantiate/ });
  });
});
