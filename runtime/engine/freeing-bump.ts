// Substrate's freeing-bump heap allocator, behaviour for behaviour. Must match sc-allocator's
// `FreeingBumpHeapAllocator` (substrate/client/allocator/src/freeing_bump.rs, on-chain context):
// where a runtime runs out of heap is consensus, so sizes, header layout, free-list order,
// memory growth and poisoning all follow the reference exactly.
//
// Layout: every allocation is preceded by an 8-byte little-endian header. Occupied: low u32 =
// order, bit 32 set. Free: low u32 = next free header (u32::MAX = nil), high u32 = 0. Sizes are
// rounded up to a power of two, at least 8 bytes (order 0) and at most 32 MiB (order 22).
//
// Read at paritytech/polkadot-sdk @1eef7ea5 (substrate/client/allocator/src/freeing_bump.rs;
// the on-chain path is the same in the pinned release, see README "Reference"): `new` :419–453
// (heap base aligned in u32 at :420), `allocate` :470–523, `deallocate` :536–571 (the
// allocated-bytes underflow check :561–565), `bump` :582, `Header::read_from` :247,
// `AllocationStats` :358–382, `N_ORDERS_ONCHAIN` :105. Each check
// below names the reference's step; the order of the checks is the reference's order, because
// the first failing one decides the error and whether memory was written before it.
import { HostTrap } from './traps.js';
import { PAGE_SIZE, type GuestMemory } from './memory.js';

/** sp-core `MAX_POSSIBLE_ALLOCATION`: 32 MiB. */
export const MAX_POSSIBLE_ALLOCATION = 32 * 1024 * 1024;
const MIN_POSSIBLE_ALLOCATION = 8;
const N_ORDERS = 23;
const HEADER_SIZE = 8;
const ALIGNMENT = 8;
const NIL = 0xffffffff;
/** sc-allocator `MAX_WASM_PAGES`: the wasm32 limit, used when the memory declares no maximum. */
const MAX_WASM_PAGES = 65536;

/** An sc-allocator error; like the reference's `expect`, it traps the guest. */
export class AllocatorError extends HostTrap {
  override name = 'AllocatorError';
}

const outOfSpace = () => new AllocatorError('out-of-memory', 'Allocator ran out of space');
const other = (msg: string) => new AllocatorError('host-error', `allocator: ${msg}`);

/** `Order::from_size`: 8 → 0, 16 → 1, …, 32 MiB → 22. */
function orderFromSize(size: number): number {
  if (size > MAX_POSSIBLE_ALLOCATION)
    throw new AllocatorError('out-of-memory', 'Requested allocation size is too large');
  const clamped = Math.max(size, MIN_POSSIBLE_ALLOCATION);
  // next_power_of_two(clamped).trailing_zeros() - 3, for clamped in [8, 2^25].
  return 32 - Math.clz32(clamped - 1) - 3;
}

const orderSize = (order: number) => MIN_POSSIBLE_ALLOCATION << order;

/** sc-allocator `AllocationStats`, kept exactly as the reference keeps them. */
export interface AllocationStats {
  /** Bytes allocated right now (headers included). */
  readonly bytesAllocated: number;
  /** The most `bytesAllocated` ever reached. */
  readonly bytesAllocatedPeak: number;
  /** Sum of every allocation ever made (headers included). */
  readonly bytesAllocatedSum: bigint;
  /** `bumper - original_heap_base`: address space the allocator has carved so far. */
  readonly addressSpaceUsed: number;
}

/**
 * `FreeingBumpHeapAllocator::new`'s `(heap_base + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT` in
 * u32. Release builds (`[profile.release]`/`production` in the workspace Cargo.toml set no
 * `overflow-checks`) wrap, so a base within 7 of 2^32 aligns to 0.
 */
export function alignHeapBase(heapBase: number): number {
  return ((((heapBase >>> 0) + ALIGNMENT - 1) >>> 0) & ~(ALIGNMENT - 1)) >>> 0;
}

/** What host code allocates with: this file's allocator, or its wasm twin (freeing-bump-wasm.ts). */
export interface HeapAllocator {
  /** `allocate`: a pointer to at least `size` bytes. Throws `AllocatorError` (and poisons). */
  allocate(mem: GuestMemory, size: number): number;
  /** `deallocate`: returns the chunk at `ptr` to its free list. Throws `AllocatorError`. */
  deallocate(mem: GuestMemory, ptr: number): void;
  /** `stats()`: the reference's `AllocationStats`. */
  stats(): AllocationStats;
}

export class FreeingBumpAllocator implements HeapAllocator {
  private bumper: number;
  private readonly originalHeapBase: number;
  private bytesAllocated = 0;
  private bytesAllocatedPeak = 0;
  /**
   * `bytes_allocated_sum` (a u64 in the reference) as a float below 2^53 plus a BigInt for what
   * was carried out of it: a BigInt addition on every allocation cost ~4 % of a full block.
   */
  private bytesAllocatedSumLow = 0;
  private bytesAllocatedSumHigh = 0n;
  private addressSpaceUsed = 0;
  private readonly heads = new Uint32Array(N_ORDERS).fill(NIL);
  private poisoned = false;
  private lastObservedSize = 0;
  /** Successful allocations (not a statistic of the reference's; the engine's choice of path). */
  allocations = 0;

  /**
   * @param heapBase the guest's `__heap_base`, aligned up to 8 as the reference does.
   * @param maxPages the memory's maximum in pages (`Memory::max_pages`), or undefined if none.
   */
  constructor(
    heapBase: number,
    private readonly maxPages: number | undefined,
  ) {
    this.bumper = this.originalHeapBase = alignHeapBase(heapBase);
  }

  /** `stats()`: the reference's `AllocationStats`. */
  stats(): AllocationStats {
    const { bytesAllocated, bytesAllocatedPeak, addressSpaceUsed } = this;
    const bytesAllocatedSum = this.bytesAllocatedSumHigh + BigInt(this.bytesAllocatedSumLow);
    return { bytesAllocated, bytesAllocatedPeak, bytesAllocatedSum, addressSpaceUsed };
  }

  /** `allocate`: a pointer to at least `size` bytes. Throws `AllocatorError` (and poisons). */
  allocate(mem: GuestMemory, size: number): number {
    if (this.poisoned) throw other('the allocator has been poisoned');
    try {
      // The memory's size is read once per call (see GuestMemory.size) and again only after
      // `bump` may have grown it; every header access below is checked against it.
      let memSize = this.observeMemorySize(mem);
      const order = orderFromSize(size >>> 0);
      let headerPtr = this.heads[order]!;
      if (headerPtr !== NIL) {
        if (headerPtr + orderSize(order) + HEADER_SIZE > memSize)
          throw other('Invalid header pointer detected');
        // `Header::read_from`
        if (headerPtr + 8 > memSize) throw other('read out of heap bounds');
        const lo = mem.readU32Checked(headerPtr);
        const hi = mem.readU32Checked(headerPtr + 4);
        if (hi & 1) {
          if (lo >= N_ORDERS) throw other('invalid order');
          throw other('free list points to a occupied header');
        }
        this.heads[order] = lo;
      } else {
        headerPtr = this.bump(orderSize(order) + HEADER_SIZE, mem, memSize);
        memSize = mem.size;
      }
      this.writeHeader(mem, memSize, headerPtr, order, 1);
      const chunk = orderSize(order) + HEADER_SIZE;
      this.bytesAllocated += chunk;
      this.addToSum(chunk);
      if (this.bytesAllocated > this.bytesAllocatedPeak)
        this.bytesAllocatedPeak = this.bytesAllocated;
      this.addressSpaceUsed = this.bumper - this.originalHeapBase;
      this.allocations++;
      return headerPtr + HEADER_SIZE;
    } catch (err) {
      this.poisoned = true;
      throw err;
    }
  }

  /** `deallocate`: returns the chunk at `ptr` to its free list. Throws `AllocatorError`. */
  deallocate(mem: GuestMemory, ptr: number): void {
    if (this.poisoned) throw other('the allocator has been poisoned');
    try {
      const memSize = this.observeMemorySize(mem);
      const p = ptr >>> 0;
      if (p < HEADER_SIZE) throw other('Invalid pointer for deallocation');
      const headerPtr = p - HEADER_SIZE;
      // `Header::read_from`
      if (headerPtr + 8 > memSize) throw other('read out of heap bounds');
      const lo = mem.readU32Checked(headerPtr);
      const hi = mem.readU32Checked(headerPtr + 4);
      if (!(hi & 1)) throw other('the allocation points to an empty header');
      if (lo >= N_ORDERS) throw other('invalid order');
      const prev = this.heads[lo]!;
      this.heads[lo] = headerPtr;
      this.writeHeader(mem, memSize, headerPtr, prev, 0);
      // After the header is rewritten and linked (the reference updates the count last): a
      // forged occupied header bigger than what is allocated fails here, poisoning the
      // allocator, and sp-io's `free` turns the error into a trap.
      const size = orderSize(lo) + HEADER_SIZE;
      if (size > this.bytesAllocated)
        throw other('underflow of the currently allocated bytes count');
      this.bytesAllocated -= size;
    } catch (err) {
      this.poisoned = true;
      throw err;
    }
  }

  private addToSum(chunk: number): void {
    this.bytesAllocatedSumLow += chunk;
    if (this.bytesAllocatedSumLow >= 2 ** 52) {
      this.bytesAllocatedSumHigh += BigInt(this.bytesAllocatedSumLow);
      this.bytesAllocatedSumLow = 0;
    }
  }

  /** `bump`: carves `size` bytes at the bumper, growing memory as the reference does. */
  private bump(size: number, mem: GuestMemory, memSize: number): number {
    const required = this.bumper + size;
    if (required > memSize) {
      const requiredPages = Math.ceil(required / PAGE_SIZE);
      const currentPages = mem.pages;
      const maxPages = this.maxPages ?? MAX_WASM_PAGES;
      if (currentPages >= maxPages || requiredPages > maxPages) throw outOfSpace();
      // Double the memory, capped at the maximum, but at least what is required.
      const nextPages = Math.max(Math.min(currentPages * 2, maxPages), requiredPages);
      if (!mem.grow(nextPages - currentPages)) throw outOfSpace();
    }
    const res = this.bumper;
    this.bumper += size;
    return res;
  }

  /** The memory's size now; the reference refuses a memory that shrank since the last call. */
  private observeMemorySize(mem: GuestMemory): number {
    const size = mem.size;
    if (size < this.lastObservedSize) throw other('memory shrank');
    this.lastObservedSize = size;
    return size;
  }

  // `Header::write_into`, against the size read in this call.
  private writeHeader(
    mem: GuestMemory,
    memSize: number,
    headerPtr: number,
    data: number,
    occupied: 0 | 1,
  ): void {
    if (headerPtr + 8 > memSize) throw other('write out of heap bounds');
    mem.writeU64HalvesChecked(headerPtr, data >>> 0, occupied);
  }
}
