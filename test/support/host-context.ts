// A real execution context for calling host functions directly: a wasm memory, the
// freeing-bump allocator over it and a log sink, as the engine builds one per call.
import { FreeingBumpAllocator } from '../../runtime/engine/freeing-bump.js';
import { GuestMemory, packPtrLen, unpackPtrLen } from '../../runtime/engine/memory.js';
import type { HostContext, HostFamily, WasmArg, WasmRet } from '../../runtime/host/context.js';
import { LogSink } from '../../runtime/host/log-sink.js';

export interface TestContext {
  ctx: HostContext;
  /** Copies bytes into memory below the heap; returns their pointer. */
  put(bytes: Uint8Array): number;
  /** `put` as a fat pointer. */
  fat(bytes: Uint8Array): bigint;
  /** Reads `len` bytes at `ptr`, or the bytes a fat pointer names. */
  get(ptr: number | bigint, len?: number): Uint8Array;
  call(family: HostFamily, name: string, ...args: WasmArg[]): WasmRet;
}

export function hostContext(
  opts: { pages?: number; maxPages?: number; logBytes?: number } = {},
): TestContext {
  const pages = opts.pages ?? 4;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: opts.maxPages ?? 64 });
  const gm = new GuestMemory(memory);
  const heapBase = 32 * 1024; // scratch space for arguments below
  let scratch = 8;
  const ctx: HostContext = {
    memory: gm,
    allocator: new FreeingBumpAllocator(heapBase, opts.maxPages ?? 64),
    logs: new LogSink(opts.logBytes ?? 64 * 1024),
    maxLogLevel: 0,
    batchVerify: undefined,
    readRuntimeVersion: () => undefined,
  };
  const put = (bytes: Uint8Array) => {
    const ptr = scratch;
    gm.write(ptr, bytes);
    scratch += bytes.length + 8;
    if (scratch > heapBase) throw new Error('test scratch space exhausted');
    return ptr;
  };
  return {
    ctx,
    put,
    fat: (bytes) => packPtrLen(put(bytes), bytes.length),
    get: (ptr, len) => {
      const [p, l] = typeof ptr === 'bigint' ? unpackPtrLen(ptr) : [ptr, len!];
      return gm.read(p, l);
    },
    call: (family, name, ...args) => {
      const f = family[name];
      if (!f) throw new Error(`no host function ${name}`);
      return f.call(ctx, ...args);
    },
  };
}
