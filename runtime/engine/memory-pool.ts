// Memory recycling, shared by every ABI (engine/execute.ts, the wasi-p1 and component hosts).
// Every instance gets a memory of exactly `initial` pages, all zero, with the cap as maximum;
// instantiation then writes the data segments. A memory that a finished call did not grow is
// the same object with the same limits and size: zeroed, it is indistinguishable from a new
// one. A grown memory cannot shrink back, so it is dropped. A memory is released only after
// the call has ended and its instance is dropped, so an instance never shares memory.
//
// Measured (bench/wasi.ts `memory` rows; README "Performance"): a fresh guarded memory per
// validation costs 4× to 20× more than zeroing the whole of one (V8 reserves and later
// releases the guard region, and the collector runs more often), and scanning for dirty 4 KiB
// or 64 KiB blocks to zero only those is slower than zeroing everything (memcmp reads as much
// as memset writes, and a cache-hot fill runs at memory bandwidth). Without write tracking
// (which would cost every guest store) nothing cheaper bounds what a call could have dirtied,
// so a released memory is zeroed whole. It is zeroed when taken, not when released: a worker
// takes the next memory while it waits for work (standby.ts), so the fill leaves the path
// between a call's end and its answer.
import { PAGE_SIZE } from './memory.js';

/** Where an instance imports its memory from, and the memory's limits in pages. */
export interface MemoryLimits {
  readonly initial: number;
  readonly maximum: number;
}

export class MemoryPool {
  private spare_: WebAssembly.Memory | undefined;

  constructor(readonly limits: MemoryLimits) {}

  /**
   * The memory waiting for the next instance, if any (for diagnostics and tests); it still
   * holds what its last call left, and is zeroed when taken.
   */
  get spare(): WebAssembly.Memory | undefined {
    return this.spare_;
  }

  /** A zeroed memory of `initial` pages: the spare one (zeroed now), else a new one. */
  take(): WebAssembly.Memory {
    const spare = this.spare_;
    if (spare === undefined) return new WebAssembly.Memory(this.limits);
    this.spare_ = undefined;
    new Uint8Array(spare.buffer).fill(0);
    return spare;
  }

  /** Gives back a memory whose instance will never run again (kept only if not grown). */
  release(memory: WebAssembly.Memory): void {
    if (this.spare_ !== undefined) return;
    if (memory.buffer.byteLength !== this.limits.initial * PAGE_SIZE) return;
    this.spare_ = memory;
  }
}
