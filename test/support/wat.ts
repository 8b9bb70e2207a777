// WAT → wasm for tests, with wasm-tools' text parser (the `wat` crate wasmtime and
// wasm-instrument's own tests use), reached through the jco-transpile dependency.
import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';

/** Assembles a module written in the WebAssembly text format. */
export async function wat(text: string): Promise<Uint8Array> {
  return new Uint8Array(await parse(text));
}
