// Host calls as a runtime makes them, through their registered entries on a scratch memory:
// the hashing functions on a short storage prefix and a 32-byte account id, where the digest
// memo (runtime/host/hash-memo.ts) answers, against the same call computing the digest every
// time (hash-wasm, what each call did before the memo); and an allocator malloc + free pair.
// Interleaved rounds, medians (µs per call). A full Asset Hub block makes ~190,000 hashing and
// ~760,000 allocator calls (bench/blocks.ts profile), so these per-call costs add up.
import { FreeingBumpAllocator } from '../runtime/engine/freeing-bump.js';
import { GuestMemory, packPtrLen } from '../runtime/engine/memory.js';
import { allocator } from '../runtime/host/allocator.js';
import type { HostContext } from '../runtime/host/context.js';
import { blake2_128, twox } from '../runtime/host/hash-functions.js';
import { hashing } from '../runtime/host/hashing.js';
import { LogSink } from '../runtime/host/log-sink.js';
import { returnPointer } from '../runtime/host/marshal.js';
import { percentiles, type Row } from './section.js';

const CALLS = 20_000;
const ROUNDS = 7;

function context(): HostContext {
  return {
    memory: new GuestMemory(new WebAssembly.Memory({ initial: 4, maximum: 64 })),
    allocator: new FreeingBumpAllocator(4096, 64),
    logs: new LogSink(0),
    maxLogLevel: 0,
    batchVerify: undefined,
    readRuntimeVersion: () => undefined,
  };
}

/** µs per call of `fn`, median of ROUNDS interleaved with the other candidates. */
function measure(fns: Record<string, () => void>): Record<string, number> {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, [] as number[]]));
  for (let r = 0; r < ROUNDS + 1; r++)
    for (const [k, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      for (let i = 0; i < CALLS; i++) fn();
      if (r > 0) samples[k]!.push(((performance.now() - t0) * 1000) / CALLS);
    }
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, percentiles(s).p50]));
}

const us = (x: number) => Math.round(x * 100) / 100;

export function hostCallRows(): Row[] {
  const ctx = context();
  const prefix = new TextEncoder().encode('Balances');
  const account = new Uint8Array(32).map((_, i) => i * 7);
  ctx.memory.write(64, prefix);
  ctx.memory.write(128, account);
  const free = allocator.ext_allocator_free_version_1!.call;
  const malloc = allocator.ext_allocator_malloc_version_1!.call;
  const host = (name: string, ptr: number, len: number) => {
    const fn = hashing[name]!.call;
    return () => free(ctx, fn(ctx, packPtrLen(ptr, len)) as number);
  };
  const direct = (hash: (d: Uint8Array) => Uint8Array, ptr: number, len: number) => () =>
    free(ctx, returnPointer(ctx, hash(ctx.memory.view(ptr, len))));
  const m = measure({
    twoxMemo: host('ext_hashing_twox_128_version_1', 64, prefix.length),
    twoxDirect: direct((d) => twox(d, 2), 64, prefix.length),
    blakeMemo: host('ext_hashing_blake2_128_version_1', 128, 32),
    blakeDirect: direct(blake2_128, 128, 32),
    mallocFree: () => free(ctx, malloc(ctx, 40) as number),
  });
  return [
    {
      case: 'host call twox_128("Balances"): memo hit / computed (hash-wasm)',
      'total µs': us(m.twoxMemo!),
      'alternative µs': us(m.twoxDirect!),
    },
    {
      case: 'host call blake2_128(32-byte account): memo hit / computed (hash-wasm)',
      'total µs': us(m.blakeMemo!),
      'alternative µs': us(m.blakeDirect!),
    },
    { case: 'host calls malloc(40) + free', 'total µs': us(m.mallocFree!) },
  ];
}
