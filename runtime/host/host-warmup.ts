// Warm-up of the busiest host functions when a worker loads them: V8 runs JavaScript in its
// interpreter until a function has been called often enough to be optimized, so the first
// validation in a fresh worker paid for the allocator and the hashing functions running cold
// (a real block calls them thousands to hundreds of thousands of times). Each runs here through
// its registered entry on a scratch memory of its own: no state is shared with any execution
// (the hash memo keeps only digests of the constant inputs below), so nothing a guest can
// observe changes.
import { FreeingBumpAllocator } from '../engine/freeing-bump.js';
import { GuestMemory, packPtrLen } from '../engine/memory.js';
import type { HostContext, HostFunction } from './context.js';
import { allocator } from './allocator.js';
import { hashing } from './hashing.js';
import { LogSink } from './log-sink.js';

/** Calls per function: past V8's optimization thresholds for small functions (measured). */
const ROUNDS = 2000;

export function warmUpHostFunctions(): void {
  const memory = new GuestMemory(new WebAssembly.Memory({ initial: 2, maximum: 16 }));
  const ctx: HostContext = {
    memory,
    allocator: new FreeingBumpAllocator(1024, 16),
    logs: new LogSink(0),
    maxLogLevel: 0,
    batchVerify: undefined,
    readRuntimeVersion: () => undefined,
  };
  const malloc = allocator.ext_allocator_malloc_version_1!.call;
  const free = allocator.ext_allocator_free_version_1!.call;
  const input = new TextEncoder().encode('SystemAccountBalancesTotalIssuance');
  memory.write(64, input);
  const hashes: HostFunction[] = Object.values(hashing);
  for (let i = 0; i < ROUNDS; i++) {
    const a = malloc(ctx, 8 + (i & 63)) as number;
    const b = malloc(ctx, 100) as number;
    free(ctx, a);
    const h = hashes[i % hashes.length]!;
    // Short inputs of several lengths (the memo's path) and a long one (the hasher's path).
    const len = i % 7 === 0 ? input.length : 4 + (i % 13);
    free(ctx, h.call(ctx, packPtrLen(64, len)) as number);
    free(ctx, b);
  }
}
