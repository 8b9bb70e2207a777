// The freeing-bump allocator against sc-allocator's own unit tests
// (substrate/client/allocator/src/freeing_bump.rs, `mod tests`), with the same numbers: both
// implementations, the JavaScript one (freeing-bump.ts) and the wasm one the engine gives guests
// (freeing-bump-wasm.ts; freeing-bump-wasm.test.ts compares the two on random sequences).
import { describe, expect, it } from 'vitest';
import {
  alignHeapBase,
  AllocatorError,
  FreeingBumpAllocator,
  type HeapAllocator,
  MAX_POSSIBLE_ALLOCATION,
} from '../../../runtime/engine/freeing-bump.js';
import { WasmHeap } from '../../../runtime/engine/wasm-host.js';
import { GuestMemory, PAGE_SIZE } from '../../../runtime/engine/memory.js';

type Make = (heapBase: number, maxPages: number | undefined) => HeapAllocator;

/** The wasm allocator of the memory it is first used on, started as the engine starts it. */
const wasmHeap: Make = (heapBase, maxPages) => {
  let heap: WasmHeap | undefined;
  const on = (m: GuestMemory) => {
    if (heap === undefined) {
      heap = WasmHeap.of(m.memory);
      heap.start(heapBase, maxPages);
    }
    return heap;
  };
  return {
    allocate: (m, size) => on(m).allocate(m, size),
    deallocate: (m, ptr) => on(m).deallocate(m, ptr),
    stats: () => heap!.stats(),
  };
};

const IMPLEMENTATIONS: [string, Make][] = [
  ['FreeingBumpAllocator', (base, max) => new FreeingBumpAllocator(base, max)],
  ['WasmHeap', wasmHeap],
];

const mem = (pages = 1, maximum = 65536) =>
  new GuestMemory(new WebAssembly.Memory({ initial: pages, maximum }));
const header = (m: GuestMemory, ptr: number) => m.readU64Halves(ptr - 8);

describe.each(IMPLEMENTATIONS)('%s (sc-allocator semantics)', (_, make) => {
  it('allocates right after the 8-byte header and aligns the heap base to 8', () => {
    expect(make(0, undefined).allocate(mem(), 1)).toBe(8);
    expect(make(13, undefined).allocate(mem(), 1)).toBe(24);
  });

  it('rounds sizes up to powers of two, at least 8 bytes, and writes occupied headers', () => {
    const m = mem();
    const a = make(0, undefined);
    expect(a.allocate(m, 1)).toBe(8);
    expect(a.allocate(m, 9)).toBe(24);
    expect(a.allocate(m, 1)).toBe(24 + 16 + 8);
    expect(header(m, 24)).toEqual([1, 1]); // order 1 (16 bytes), occupied bit
    expect(a.allocate(m, 0)).toBe(56 + 8); // size 0 is 8 bytes too
  });

  it('keeps a LIFO free list per order and reuses it', () => {
    const m = mem();
    const a = make(0, undefined);
    const [p1, p2, p3] = [a.allocate(m, 8), a.allocate(m, 8), a.allocate(m, 8)];
    a.deallocate(m, p1);
    a.deallocate(m, p2);
    a.deallocate(m, p3);
    expect(header(m, p3)).toEqual([p2 - 8, 0]); // free header links to the previous head
    expect(header(m, p1)).toEqual([0xffffffff, 0]); // end of list
    expect(a.allocate(m, 8)).toBe(p3);
    expect(a.allocate(m, 8)).toBe(p2);
    expect(a.allocate(m, 16)).toBe(p3 + 16); // another order bumps
  });

  it('allocates MAX_POSSIBLE_ALLOCATION (32 MiB) by growing memory, refuses one byte more', () => {
    const m = mem();
    expect(make(0, undefined).allocate(m, MAX_POSSIBLE_ALLOCATION)).toBe(8);
    expect(() => make(0, undefined).allocate(mem(), MAX_POSSIBLE_ALLOCATION + 1)).toThrow(
      'Requested allocation size is too large',
    );
  });

  it('grows memory by doubling, at least to what is required, never past the maximum', () => {
    const m = mem(1, 20);
    const a = make(0, 20);
    a.allocate(m, 65536); // needs 65544 bytes: 2 pages = max(1 * 2, 2)
    expect(m.pages).toBe(2);
    a.allocate(m, 65536); // bumper 131088 needed: 3 pages; doubles to 4
    expect(m.pages).toBe(4);
    a.allocate(m, 8 * 65536); // needs 11 pages; doubling gives only 8, so 11
    expect(m.pages).toBe(11);
    a.allocate(m, 65536); // needs 12; doubling gives 22, capped at the maximum 20
    expect(m.pages).toBe(20);
    expect(() => a.allocate(m, 16 * 65536)).toThrow('Allocator ran out of space'); // needs 27
  });

  it('is out of space when full at the maximum, and stays poisoned after any error', () => {
    const m = mem(1, 1);
    const a = make(0, 1);
    expect(a.allocate(m, PAGE_SIZE / 2 - 8)).toBe(8);
    let err: unknown;
    try {
      a.allocate(m, PAGE_SIZE / 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AllocatorError);
    expect((err as AllocatorError).reason).toBe('out-of-memory');
    expect(() => a.allocate(m, 8)).toThrow('the allocator has been poisoned');
  });

  it('uses the whole heap exactly (should_return_error_when_bumper_greater_than_heap_size)', () => {
    const m = mem(1, 1);
    const a = make(0, 1);
    const ptrs = Array.from({ length: PAGE_SIZE / 40 }, () => a.allocate(m, 32));
    ptrs.forEach((p) => a.deallocate(m, p));
    a.allocate(m, 8); // bumper reaches exactly the end of memory
    expect(() => a.allocate(m, 8)).toThrow('Allocator ran out of space');
  });

  it('refuses bad frees and corrupted headers, poisoning itself', () => {
    const m = mem();
    const a = make(0, undefined);
    expect(() => a.deallocate(m, 4)).toThrow('Invalid pointer for deallocation');
    const b = make(0, undefined);
    const p = b.allocate(m, 8);
    b.deallocate(m, p);
    expect(() => b.deallocate(m, p)).toThrow('the allocation points to an empty header');
    const c = make(0, undefined);
    const q = c.allocate(m, 8);
    m.writeU64Halves(q - 8, 99, 1); // occupied, order 99
    expect(() => c.deallocate(m, q)).toThrow('invalid order');
    expect(() => make(0, undefined).deallocate(m, 0xfffffff0)).toThrow('read out of heap bounds');
  });

  it('detects a free-list entry pointing at an occupied header', () => {
    const m = mem();
    const a = make(0, undefined);
    const p = a.allocate(m, 8);
    a.deallocate(m, p);
    m.writeU64Halves(p - 8, 0, 1); // the guest overwrote the free header
    expect(() => a.allocate(m, 8)).toThrow('free list points to a occupied header');
  });

  // freeing_bump.rs `allocate`/`deallocate` (the `self.stats` updates) @1eef7ea5.
  it('keeps sc-allocator statistics: allocated, peak, sum, address space', () => {
    const m = mem();
    const a = make(13, undefined); // aligned to 16
    const p = a.allocate(m, 1); // 8 + 8
    const q = a.allocate(m, 20); // 32 + 8
    expect(a.stats()).toEqual({
      bytesAllocated: 56,
      bytesAllocatedPeak: 56,
      bytesAllocatedSum: 56n,
      addressSpaceUsed: 56,
    });
    a.deallocate(m, q);
    a.deallocate(m, p);
    a.allocate(m, 8); // reuses p's chunk: no new address space
    expect(a.stats()).toEqual({
      bytesAllocated: 16,
      bytesAllocatedPeak: 56,
      bytesAllocatedSum: 72n,
      addressSpaceUsed: 56,
    });
  });

  // freeing_bump.rs `deallocate`: `checked_sub(...).ok_or_else(|| error("underflow of the
  // currently allocated bytes count"))`, after the header was rewritten and linked.
  it('refuses to free a forged header bigger than what is allocated, and poisons itself', () => {
    const m = mem(2);
    const a = make(0, undefined);
    const p = a.allocate(m, 8); // 16 bytes allocated
    m.writeU64Halves(p - 8, 10, 1); // forged: occupied, order 10 (8 KiB)
    expect(() => a.deallocate(m, p)).toThrow('underflow of the currently allocated bytes count');
    expect(header(m, p)).toEqual([0xffffffff, 0]); // written before the count check, as there
    expect(() => a.allocate(m, 8)).toThrow('the allocator has been poisoned');
  });

  it('a forged header within the allocated count is accepted, as in the reference', () => {
    const m = mem(2);
    const a = make(0, undefined);
    a.allocate(m, 1000); // 1024 + 8
    const p = a.allocate(m, 8);
    m.writeU64Halves(p - 8, 5, 1); // forged order 5 (256 bytes) <= 1048 allocated
    a.deallocate(m, p);
    expect(a.stats().bytesAllocated).toBe(1048 - 264);
  });

  // `FreeingBumpHeapAllocator::new`: `(heap_base + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT` in
  // u32, wrapping in release builds.
  it('aligns __heap_base in wrapping u32 arithmetic: within 7 of 2^32 it becomes 0', () => {
    expect(alignHeapBase(0)).toBe(0);
    expect(alignHeapBase(13)).toBe(16);
    expect(alignHeapBase(0xfffffff0)).toBe(0xfffffff0);
    expect(alignHeapBase(0xfffffff8)).toBe(0xfffffff8);
    for (const base of [0xfffffff9, 0xfffffffc, 0xffffffff, -1])
      expect(alignHeapBase(base)).toBe(0);
    expect(make(-1, undefined).allocate(mem(), 8)).toBe(8);
  });
});
