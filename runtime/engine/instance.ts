// A new instance of a prepared module on a given memory, for a call (execute.ts) or a standby
// (standby.ts). The imports wasm-host.ts serves (the allocator, twox) go straight to the wasm
// host functions of that memory: their exports are wasm functions, so V8 calls them from the
// guest without entering JavaScript. Every other import is the prepared module's (link.ts).
//
// Unless the module's last call made few allocations: making the wasm host functions of a new
// memory costs about 10 µs (an instance of our module), more than a call of a few allocations
// saves, and a module whose memory grows gets a new memory every call (Polkadot's adder: about
// 10 % fewer validations per second through sealed workers, `npm run example`). Such calls link
// the JavaScript host functions and allocator instead, which behave identically (the
// differential tests of freeing-bump-wasm.test.ts and twox-wasm.test.ts); a memory that has
// its wasm host functions already uses them, and so does every module's first call.
import type { PreparedModule } from './types.js';
import { WASM_HOST_IMPORTS, WasmHeap } from './wasm-host.js';

/** Allocations in a call from which the next call of the module gets the wasm host functions. */
export const WASM_HOST_MIN_ALLOCATIONS = 256;

/** An instance, and the wasm host functions it was linked to (undefined: the JavaScript ones). */
export interface Instantiated {
  readonly instance: WebAssembly.Instance;
  readonly heap: WasmHeap | undefined;
}

/**
 * Instantiates `prepared` on `memory`. Throws what `new WebAssembly.Instance` throws (a data
 * segment out of bounds, a trap in the start function).
 */
export function instantiate(prepared: PreparedModule, memory: WebAssembly.Memory): Instantiated {
  const state = prepared.memoryState;
  const base = prepared.imports as Record<string, Record<string, WebAssembly.ImportValue>>;
  let imports: WebAssembly.Imports = prepared.imports;
  let heap: WasmHeap | undefined;
  if (prepared.wasmHostImports.length > 0 && (state.wasmHost || WasmHeap.has(memory))) {
    // The prepared import object stays shared: only `env` is replaced, by an object inheriting
    // the other host functions (and a memory getter, when the memory is imported from `env`).
    heap = WasmHeap.of(memory);
    const served = heap.exports;
    const env = Object.create(base.env ?? null) as Record<string, WebAssembly.ImportValue>;
    for (const name of prepared.wasmHostImports) env[name] = served[WASM_HOST_IMPORTS[name]!];
    imports = { ...base, env };
  }
  state.next = memory;
  try {
    return { instance: new WebAssembly.Instance(prepared.module, imports), heap };
  } finally {
    state.next = undefined;
  }
}

/** After a call that made `allocations`: whether the module's next call gets wasm host functions. */
export function noteAllocations(prepared: PreparedModule, allocations: number): void {
  prepared.memoryState.wasmHost = allocations >= WASM_HOST_MIN_ALLOCATIONS;
}
