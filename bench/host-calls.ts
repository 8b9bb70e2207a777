// Host calls as a runtime makes them, through their registered entries on a scratch memory:
// the hashing functions on a short storage prefix and a 32-byte account id, where the digest
// memo (runtime/host/hash-memo.ts) answers, against the same call computing the digest every
// time (hash-wasm, what each call did before the memo); and an allocator malloc + free pair.
// Then the same calls from a guest's loop: into the wasm host functions the engine gives guests
// (runtime/engine/wasm-host.ts), against the JavaScript host functions they replace.
// Interleaved rounds, medians (µs per call). A full Asset Hub block makes ~190,000 hashing
// (~150,000 of them twox_128) and ~760,000 allocator calls, so these per-call costs add up.
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { FreeingBumpAllocator } from '../runtime/engine/freeing-bump.js';
import { WasmHeap } from '../runtime/engine/wasm-host.js';
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

// A guest's loops: `allocs(n)` makes n malloc(40) + free pairs, `hashes(n)` n twox_128 calls on
// the 8 bytes at 64 ("Balances"), each digest freed, as a runtime does.
const GUEST = `(module
  (import "env" "malloc" (func $malloc (param i32) (result i32)))
  (import "env" "free" (func $free (param i32)))
  (import "env" "twox128" (func $twox128 (param i64) (result i32)))
  (import "env" "memory" (memory 4 64))
  (func (export "allocs") (param $n i32)
    (loop $l (call $free (call $malloc (i32.const 40)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "hashes") (param $n i32)
    (loop $l (call $free (call $twox128 (i64.const 0x0000000800000040)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;

type Loops = { allocs: (n: number) => void; hashes: (n: number) => void };

/** The guest's loops on the wasm host functions, and on the JavaScript ones. */
async function guestLoops(): Promise<{ wasm: Loops; js: Loops }> {
  const module = new WebAssembly.Module(new Uint8Array(await parse(GUEST)));
  const wasmMemory = new WebAssembly.Memory({ initial: 4, maximum: 64 });
  const heap = WasmHeap.of(wasmMemory);
  heap.start(4096, 64);
  const served = heap.exports;
  const wasm = new WebAssembly.Instance(module, {
    env: { memory: wasmMemory, malloc: served.malloc, free: served.free, twox128: served.twox128 },
  }).exports as unknown as Loops;
  const ctx = context();
  const [m, f] = [
    allocator.ext_allocator_malloc_version_1!,
    allocator.ext_allocator_free_version_1!,
  ];
  const t = hashing.ext_hashing_twox_128_version_1!;
  const js = new WebAssembly.Instance(module, {
    env: {
      memory: ctx.memory.memory,
      malloc: (size: number) => m.call(ctx, size),
      free: (ptr: number) => f.call(ctx, ptr),
      twox128: (data: bigint) => t.call(ctx, data),
    },
  }).exports as unknown as Loops;
  for (const mem of [wasmMemory, ctx.memory.memory])
    new Uint8Array(mem.buffer).set(new TextEncoder().encode('Balances'), 64);
  return { wasm, js };
}

/** The guest's loops, wasm host functions vs JavaScript ones, µs per call. */
export async function guestCallRows(): Promise<Row[]> {
  const { wasm, js } = await guestLoops();
  const n = 20; // per measured call: CALLS × n guest iterations a round
  const m = measure({
    wasmAllocs: () => wasm.allocs(n),
    jsAllocs: () => js.allocs(n),
    wasmHashes: () => wasm.hashes(n),
    jsHashes: () => js.hashes(n),
  });
  const per = (x: number) => Math.round((x / n) * 1000) / 1000;
  return [
    {
      case: 'guest malloc(40) + free: wasm host functions / JavaScript ones',
      'total µs': per(m.wasmAllocs!),
      'alternative µs': per(m.jsAllocs!),
      ratio: Math.round((m.wasmAllocs! / m.jsAllocs!) * 100) / 100,
    },
    {
      case: 'guest twox_128("Balances") + free: wasm host functions / JavaScript ones (memo hit)',
      'total µs': per(m.wasmHashes!),
      'alternative µs': per(m.jsHashes!),
      ratio: Math.round((m.wasmHashes! / m.jsHashes!) * 100) / 100,
    },
  ];
}

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
