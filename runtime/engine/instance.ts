// A new instance of a prepared module on a given memory, for a call (execute.ts) or a standby
// (standby.ts). The imports wasm-host.ts serves (the allocator, twox) go straight to the wasm
// host functions of that memory: their exports are wasm functions, so V8 calls them from the
// guest without entering JavaScript. Every other import is the prepared module's (link.ts).
import type { PreparedModule } from './types.js';
import { WASM_HOST_IMPORTS, WasmHeap } from './wasm-host.js';

/**
 * Instantiates `prepared` on `memory`. Throws what `new WebAssembly.Instance` throws (a data
 * segment out of bounds, a trap in the start function).
 */
export function instantiate(
  prepared: PreparedModule,
  memory: WebAssembly.Memory,
): WebAssembly.Instance {
  const base = prepared.imports as Record<string, Record<string, WebAssembly.ImportValue>>;
  let imports: WebAssembly.Imports = prepared.imports;
  if (prepared.wasmHostImports.length > 0) {
    // The prepared import object stays shared: only `env` is replaced, by an object inheriting
    // the other host functions (and a memory getter, when the memory is imported from `env`).
    const served = WasmHeap.of(memory).exports;
    const env = Object.create(base.env ?? null) as Record<string, WebAssembly.ImportValue>;
    for (const name of prepared.wasmHostImports) env[name] = served[WASM_HOST_IMPORTS[name]!];
    imports = { ...base, env };
  }
  const state = prepared.memoryState;
  state.next = memory;
  try {
    return new WebAssembly.Instance(prepared.module, imports);
  } finally {
    state.next = undefined;
  }
}
