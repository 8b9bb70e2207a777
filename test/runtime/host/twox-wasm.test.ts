// `twox_64`/`twox_128` as the engine serves them to guests, in wasm (runtime/host/twox-wasm.ts,
// runtime/engine/wasm-host.ts), against the JavaScript host functions (hashing.ts, hash-wasm's
// XXH64) with the JavaScript allocator, as the oracle: the same call on two identical memories
// must give the same pointer and digest, or the same error (class, reason, message), and leave
// the same bytes. Inputs: every length up to 100 (each XXH64 path: stripes, 8-, 4- and 1-byte
// steps) at random offsets, longer ones, ranges at and past the end of memory, pointers and
// lengths near 2^32, and heaps that run out. FUZZ_TWOX_INPUTS sets the count (default 100,000).
import { describe, expect, it } from 'vitest';
import { attempt } from '../../support/attempt.js';
import { rng } from '../../support/differential.js';
import { FreeingBumpAllocator } from '../../../runtime/engine/freeing-bump.js';
import { GuestMemory, packPtrLen } from '../../../runtime/engine/memory.js';
import { WasmHeap } from '../../../runtime/engine/wasm-host.js';
import type { HostContext } from '../../../runtime/host/context.js';
import { twox } from '../../../runtime/host/hash-functions.js';
import { hashing } from '../../../runtime/host/hashing.js';
import { LogSink } from '../../../runtime/host/log-sink.js';

const INPUTS = Number(process.env.FUZZ_TWOX_INPUTS ?? 100_000);
const CALLS_PER_MEMORY = 500;

const NAMES = { 1: 'ext_hashing_twox_64_version_1', 2: 'ext_hashing_twox_128_version_1' } as const;

/** Runs one memory's worth of calls; returns the calls made and the first disagreement. */
function run(seed: number, calls: number): { calls: number; errors: Set<string>; diff?: string } {
  const r = rng(seed);
  const pages = 1 + Math.floor(r() * 2);
  const maxPages = r() < 0.3 ? pages : pages + 2;
  const limits = { initial: pages, maximum: maxPages };
  const heapBase = Math.floor(r() * 4096) + (r() < 0.2 ? pages * 65536 - 200 : 0);
  const oracle = new GuestMemory(new WebAssembly.Memory(limits));
  const ctx: HostContext = {
    memory: oracle,
    allocator: new FreeingBumpAllocator(heapBase, maxPages),
    logs: new LogSink(0),
    maxLogLevel: 0,
    batchVerify: undefined,
    readRuntimeVersion: () => undefined,
  };
  const wasmMemory = new WebAssembly.Memory(limits);
  const heap = WasmHeap.of(wasmMemory);
  heap.start(heapBase, maxPages);
  const errors = new Set<string>();
  for (let i = 0; i < calls; i++) {
    const size = oracle.size;
    const y = r();
    const n =
      y < 0.7
        ? Math.floor(r() * 101)
        : y < 0.9
          ? Math.floor(r() * 5000)
          : Math.floor(r() * 2 ** 32);
    const z = r();
    const p =
      z < 0.8
        ? Math.floor(r() * Math.max(1, size - n))
        : z < 0.9
          ? size - n + Math.floor(r() * 3) // ends at, or 1–2 bytes past, the end
          : Math.floor(r() * 2 ** 32);
    if (p >= 0 && p < size) {
      const bytes = new Uint8Array(Math.min(n, size - p, 64)).map(() => Math.floor(r() * 256));
      oracle.write(p, bytes);
      new Uint8Array(wasmMemory.buffer).set(bytes, p);
    }
    const words = r() < 0.8 ? 2 : 1;
    const fat = packPtrLen(p >>> 0, n >>> 0);
    const a = attempt(() => hashing[NAMES[words]]!.call(ctx, fat) as number);
    const b = attempt(() => heap.exports[words === 2 ? 'twox128' : 'twox64'](fat));
    const where = `seed ${seed}, call ${i}: twox_${64 * words}(${p >>> 0}, ${n >>> 0})`;
    if (JSON.stringify(a) !== JSON.stringify(b))
      return {
        calls: i + 1,
        errors,
        diff: `${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      };
    if ('ok' in a) {
      const digest = oracle.read(a.ok, 8 * words);
      const theirs = new Uint8Array(wasmMemory.buffer, a.ok, 8 * words); // b.ok: the same
      if (Buffer.compare(digest, theirs) !== 0)
        return { calls: i + 1, errors, diff: `${where}: digest` };
    } else {
      errors.add(a.message.replace(/\d+/g, 'N'));
    }
    if (i % 50 === 49 || !('ok' in a)) {
      if (Buffer.compare(new Uint8Array(oracle.memory.buffer), new Uint8Array(wasmMemory.buffer)))
        return { calls: i + 1, errors, diff: `${where}: memories differ` };
    }
    if (errors.has('allocator: the allocator has been poisoned')) break;
  }
  return { calls, errors };
}

describe('twox in wasm against hashing.ts', () => {
  it(`agrees on ${INPUTS.toLocaleString('en')} inputs, hostile ones included`, () => {
    let done = 0;
    const errors = new Set<string>();
    for (let seed = 1; done < INPUTS; seed++) {
      const { calls, errors: seen, diff } = run(seed, CALLS_PER_MEMORY);
      if (diff !== undefined) expect.fail(diff);
      done += calls;
      for (const e of seen) errors.add(e);
    }
    // The error paths were reached: the input check, and the allocator's behind the digest.
    expect([...errors].sort()).toEqual(
      expect.arrayContaining([
        'hash input out of bounds: [N, N) past N',
        'Allocator ran out of space',
        'allocator: the allocator has been poisoned',
      ]),
    );
  });

  it('every XXH64 path: lengths 0 to 100 against the oracle, and a flipped bit is seen', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
    const h = WasmHeap.of(memory);
    for (let n = 0; n <= 100; n++) {
      h.start(4096, 1);
      const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      new Uint8Array(memory.buffer).set(data, 100);
      const ptr = h.exports.twox128(packPtrLen(100, n)) >>> 0;
      const got = new Uint8Array(memory.buffer, ptr, 16).slice();
      expect(Buffer.from(got).toString('hex')).toBe(Buffer.from(twox(data, 2)).toString('hex'));
      if (n > 0) {
        data[n - 1]! ^= 1; // the control: the oracle on other bytes disagrees
        expect(Buffer.compare(got, twox(data, 2))).not.toBe(0);
      }
    }
    h.stop();
    expect(() => h.exports.twox128(packPtrLen(100, 1))).toThrow(
      'ext_hashing_twox_128_version_1 called while no entry point is running (start function)',
    );
  });
});
