// The wasm allocator the engine gives guests (runtime/engine/freeing-bump-wasm.ts) against the
// JavaScript one it was written from (freeing-bump.ts, itself checked against sc-allocator's
// tests in freeing-bump.test.ts), as the oracle: random sequences of allocations, frees of live,
// freed and arbitrary pointers, and guest writes over headers, run on two identical memories.
// After every operation both give the same pointer or the same error (class, reason, message),
// the memories have the same size, and periodically the same bytes and statistics.
// FUZZ_ALLOCATOR_OPS sets the number of operations (default 100,000).
import { describe, expect, it } from 'vitest';
import { attempt, type Outcome } from '../../support/attempt.js';
import { rng } from '../../support/differential.js';
import { FreeingBumpAllocator, type HeapAllocator } from '../../../runtime/engine/freeing-bump.js';
import { WasmHeap } from '../../../runtime/engine/wasm-host.js';
import { GuestMemory, PAGE_SIZE } from '../../../runtime/engine/memory.js';
import { prepare, validateBlock } from '../../../runtime/engine/index.js';
import { makeStandby } from '../../../runtime/engine/standby.js';
import type { HostContext, HostFunction } from '../../../runtime/host/context.js';
import { PVF_HOST_FUNCTIONS } from '../../../runtime/host/registry.js';
import { wat } from '../../support/wat.js';

const OPS = Number(process.env.FUZZ_ALLOCATOR_OPS ?? 100_000);
const OPS_PER_SEQUENCE = 400;

interface Side {
  readonly mem: GuestMemory;
  readonly heap: HeapAllocator;
}

/** The same memory and allocator setup twice: the oracle's and the wasm allocator's. */
function sides(r: () => number, wasmBaseSkew = 0): [Side, Side] {
  const initial = 1 + Math.floor(r() * 3);
  // A maximum near the initial size makes out-of-space errors common.
  const maximum = r() < 0.2 ? undefined : initial + Math.floor(r() * 12);
  const bases = [0, 1, 7, 8, 13, 1000, PAGE_SIZE - 3, 0xfffffff9, initial * PAGE_SIZE - 16];
  const base = r() < 0.5 ? bases[Math.floor(r() * bases.length)]! : Math.floor(r() * 4096);
  const limits = { initial, maximum: maximum ?? 65536 };
  const oracleMem = new GuestMemory(new WebAssembly.Memory(limits));
  const wasmMem = new GuestMemory(new WebAssembly.Memory(limits));
  const wasm = WasmHeap.of(wasmMem.memory);
  wasm.start(base + wasmBaseSkew, maximum);
  return [
    { mem: oracleMem, heap: new FreeingBumpAllocator(base, maximum) },
    { mem: wasmMem, heap: wasm },
  ];
}

function size(r: () => number): number {
  const x = r();
  if (x < 0.6) return Math.floor(r() * 300);
  if (x < 0.85) return (1 << Math.floor(r() * 16)) + Math.floor(r() * 3) - 1;
  if (x < 0.97) return Math.floor(r() * 300_000);
  const huge = [2 ** 25, 2 ** 25 + 1, 2 ** 25 - 8, 0xffffffff, 0x80000000];
  return huge[Math.floor(r() * huge.length)]!;
}

/**
 * Runs one sequence on both sides; returns how many operations it made and the first
 * disagreement, if any.
 */
/** How often a sequence does something hostile: some run long and clean, some fail early. */
const HOSTILITY = [0, 0.002, 0.01, 0.05, 0.2];

/**
 * Runs one sequence on both sides; returns how many operations it made, the error it ended
 * the errors it met (the allocator stays poisoned after one), and the first disagreement.
 */
function runSequence(
  seed: number,
  wasmBaseSkew = 0,
): { ops: number; errors: Set<string>; diff?: string } {
  const r = rng(seed);
  const [a, b] = sides(r, wasmBaseSkew);
  const hostility = HOSTILITY[Math.floor(r() * HOSTILITY.length)]!;
  const live: number[] = [];
  const freed: number[] = [];
  let ops = 0;
  const errors = new Set<string>();
  let firstError = -1;
  for (let i = 0; i < OPS_PER_SEQUENCE; i++) {
    ops++;
    const hostile = r() < hostility;
    const x = r();
    let op: string;
    let oa: Outcome;
    let ob: Outcome;
    if (!hostile && (x < 0.55 || live.length === 0)) {
      const n = size(r);
      op = `malloc(${n})`;
      oa = attempt(() => a.heap.allocate(a.mem, n));
      ob = attempt(() => b.heap.allocate(b.mem, n));
      if ('ok' in oa) live.push(oa.ok);
    } else if (!hostile || x < 0.4) {
      let ptr: number;
      if (!hostile) ptr = live.splice(Math.floor(r() * live.length), 1)[0]!;
      else if (x < 0.15 && freed.length > 0) ptr = freed[Math.floor(r() * freed.length)]!;
      else {
        const edges = [a.mem.size - 4, a.mem.size, a.mem.size + 8, 0xfffffff8, 0xffffffff];
        const y = r();
        ptr =
          y < 0.3
            ? Math.floor(r() * 16)
            : y < 0.5
              ? edges[Math.floor(r() * edges.length)]!
              : Math.floor(r() * (a.mem.size + 64));
      }
      op = `free(${ptr})`;
      oa = attempt(() => (a.heap.deallocate(a.mem, ptr), 0));
      ob = attempt(() => (b.heap.deallocate(b.mem, ptr), 0));
      if ('ok' in oa) freed.push(ptr);
    } else {
      // The guest writes over memory: a header's word, or anywhere.
      const pool = [...live, ...freed];
      const at =
        pool.length > 0 && r() < 0.9
          ? pool[Math.floor(r() * pool.length)]! - 8 + (r() < 0.7 ? 0 : 4)
          : Math.floor(r() * (a.mem.size - 4));
      const values = [0, 1, 5, 12, 22, 23, 99, 0xffffffff, Math.floor(r() * 2 ** 32)];
      const v = values[Math.floor(r() * values.length)]!;
      op = `write(${at}, ${v})`;
      if (at < 0 || at + 4 > a.mem.size) continue;
      a.mem.writeU32(at, v);
      b.mem.writeU32(at, v);
      oa = ob = { ok: 0 };
    }
    const where = `seed ${seed}, op ${i}: ${op}`;
    if (JSON.stringify(oa) !== JSON.stringify(ob))
      return { ops, errors, diff: `${where}: ${JSON.stringify(oa)} vs ${JSON.stringify(ob)}` };
    if (a.mem.size !== b.mem.size)
      return { ops, errors, diff: `${where}: memory ${a.mem.size} vs ${b.mem.size} bytes` };
    if (i % 64 === 63 || 'error' in oa) {
      const d = compare(a, b);
      if (d !== undefined) return { ops, errors, diff: `${where}: ${d}` };
    }
    if ('error' in oa) {
      // Poisoned after an error: a few more operations must say so on both sides.
      errors.add(oa.message);
      if (firstError < 0) firstError = i;
      if (i - firstError >= 3) break;
    }
  }
  return { ops, errors, diff: compare(a, b) };
}

function compare(a: Side, b: Side): string | undefined {
  const sa = a.heap.stats();
  const sb = b.heap.stats();
  if (JSON.stringify(sa, big) !== JSON.stringify(sb, big))
    return `stats ${JSON.stringify(sa, big)} vs ${JSON.stringify(sb, big)}`;
  const ma = new Uint8Array(a.mem.memory.buffer);
  const mb = new Uint8Array(b.mem.memory.buffer);
  if (Buffer.compare(ma, mb) !== 0) {
    const at = ma.findIndex((v, i) => v !== mb[i]);
    return `memory differs at ${at}`;
  }
  return undefined;
}

const big = (_: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

describe('the wasm allocator against freeing-bump.ts', () => {
  it(`agrees on ${OPS.toLocaleString('en')} random and hostile operations`, () => {
    let ops = 0;
    const errors = new Set<string>();
    for (let seed = 1; ops < OPS; seed++) {
      const { ops: n, errors: seen, diff } = runSequence(seed);
      if (diff !== undefined) expect.fail(diff);
      ops += n;
      for (const e of seen) errors.add(e);
    }
    // Every error the allocator can raise was reached (the write check after a header read has
    // passed cannot fail), so the comparison covered each error path, not only the happy one.
    const all = [
      'the allocator has been poisoned',
      'Requested allocation size is too large',
      'Invalid header pointer detected',
      'read out of heap bounds',
      'invalid order',
      'free list points to a occupied header',
      'Allocator ran out of space',
      'Invalid pointer for deallocation',
      'the allocation points to an empty header',
      'underflow of the currently allocated bytes count',
    ];
    expect(all.filter((m) => ![...errors].some((e) => e.endsWith(m)))).toEqual([]);
  });

  it('control: a heap base 8 bytes off is caught', () => {
    const diffs = Array.from({ length: 20 }, (_, i) => runSequence(i + 1, 8).diff);
    expect(diffs.filter((d) => d !== undefined).length).toBeGreaterThanOrEqual(18);
  });
});

describe('the guest calls the wasm allocator of its memory', () => {
  const guest = (start = '') => `(module
    (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
    (memory (export "memory") 1)
    (global (export "__heap_base") i32 (i32.const 100))
    ${start}
    ;; The result: compact(4) ++ malloc(5) as head data, no code, no messages, two u32 zeros.
    (func (export "validate_block") (param i32 i32) (result i64) (local $q i32)
      (local.set $q (call $malloc (i32.const 16)))
      (i32.store8 (local.get $q) (i32.const 16))
      (i32.store offset=1 (local.get $q) (call $malloc (i32.const 5)))
      (i64.or (i64.extend_i32_u (local.get $q)) (i64.const 0x0000001000000000))))`;

  it('allocates after the input, every call afresh', async () => {
    const p = prepare(await wat(guest()));
    if (p.kind !== 'prepared') throw new Error(p.message);
    expect(p.prepared.wasmHostImports).toEqual(['ext_allocator_malloc_version_1']);
    // Heap base 104 (100 aligned to 8): the input (3 bytes, order 0) at 112, the result's 16
    // bytes (order 1) at 128, malloc(5) at 152: the same on every call, standby or not.
    for (let i = 0; i < 3; i++) {
      const out = validateBlock(p.prepared, new Uint8Array([1, 2, 3]));
      if (out.kind !== 'valid')
        throw new Error(`${out.kind}: ${'message' in out ? out.message : ''}`);
      expect(new DataView(out.result.buffer, out.result.byteOffset).getUint32(1, true)).toBe(152);
      makeStandby(p.prepared);
    }
  });

  it('a start function calling the allocator traps as any host call outside an entry point', async () => {
    const p = prepare(await wat(guest('(func $s (drop (call $malloc (i32.const 1)))) (start $s)')));
    if (p.kind !== 'prepared') throw new Error(p.message);
    expect(validateBlock(p.prepared, new Uint8Array())).toMatchObject({
      kind: 'invalid',
      reason: 'host-error',
      message:
        'failed to instantiate: ext_allocator_malloc_version_1 called while no entry point is running (start function)',
    });
  });

  it('a module whose calls allocate little gets the JavaScript allocator on a new memory', async () => {
    // Each call grows memory (so the next gets a new one) and makes input[0] * 100 allocations.
    const text = `(module
      (import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
      (memory (export "memory") 1)
      (global (export "__heap_base") i32 (i32.const 100))
      (func (export "validate_block") (param $p i32) (param $l i32) (result i64)
        (local $n i32) (local $q i32)
        (drop (memory.grow (i32.const 1)))
        (local.set $n (i32.mul (i32.load8_u (local.get $p)) (i32.const 100)))
        (block $done (loop $l
          (br_if $done (i32.eqz (local.get $n)))
          (drop (call $malloc (i32.const 8)))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $l)))
        (local.set $q (call $malloc (i32.const 16)))
        (i32.store8 (local.get $q) (i32.const 16))
        (i64.or (i64.extend_i32_u (local.get $q)) (i64.const 0x0000001000000000))))`;
    const registry = PVF_HOST_FUNCTIONS as Map<string, HostFunction>;
    const name = 'ext_allocator_malloc_version_1';
    const original = registry.get(name)!;
    let viaJs = 0;
    registry.set(name, {
      signature: original.signature,
      call: (ctx: HostContext, ...args) => (viaJs++, original.call(ctx, ...args)),
    });
    try {
      const p = prepare(await wat(text));
      if (p.kind !== 'prepared') throw new Error(p.message);
      const call = (allocations: number) => {
        const before = viaJs;
        const out = validateBlock(p.prepared, new Uint8Array([allocations / 100]));
        expect(out.kind).toBe('valid');
        return viaJs - before;
      };
      expect(p.prepared.memoryState.wasmHost).toBe(true);
      expect(call(0)).toBe(0); // a module's first call: wasm
      expect(p.prepared.memoryState.wasmHost).toBe(false);
      expect(call(300)).toBe(301); // JavaScript, every allocation
      expect(p.prepared.memoryState.wasmHost).toBe(true);
      expect(call(0)).toBe(0); // wasm again after a call of many
    } finally {
      registry.set(name, original);
    }
  });
});
