// The one place a (transformed) binary becomes a `WebAssembly.Module`: V8's compile stands where
// the reference's wasmtime compile does (so a refusal is a preparation error), optionally with
// every function compiled at once, as the reference's prepare compiles the whole artifact.
//
// Eager compilation is V8's `--no-wasm-lazy-compilation`, switched on only for the duration of
// one synchronous compile and switched back before anything else runs: V8 reads the flag when a
// compile starts, and a module compiled with it keeps its code. It is not a process-wide flag
// because on Node 24 (V8 13.6), while the flag is set, a pending asynchronous compile
// (`WebAssembly.compile`/`instantiate` on bytes: hash-wasm builds its hashers that way) no longer
// keeps the event loop alive: a thread awaiting one with nothing else to do ends, which is what
// the worker's loop thread does while its hashing module loads (the control in
// test/runtime/engine/compile.test.ts). Within a synchronous compile no JavaScript runs, so no
// asynchronous compile can start meanwhile; the worker's own modules are compiled before its
// first job (runtime/host/hash-functions.ts awaits them when it loads). Node's documentation warns
// that flags changed after the VM has started may behave unpredictably: this one is read when a
// compile starts, and compile.test.ts checks on every Node major of the matrix that the module
// comes out compiled and that compiles before and after behave as without it.
//
// Measured (README, Performance: cold vs warm): on the 5.3 MB Asset Hub runtime, eager
// compilation costs 100–180 ms more CPU at prepare and halves the first validation of a small
// block (Node 20 and 24); on Node 24 small blocks' warm validations are slower for it.
import { setFlagsFromString } from 'node:v8';

/**
 * Compiles `bytes`; with `eager`, every function with Liftoff (V8's baseline compiler) before
 * returning, instead of each on its first call.
 * @returns the module, or the `CompileError` V8 refused the code with (any other error throws).
 */
export function compileModule(bytes: Uint8Array, eager: boolean): WebAssembly.Module | Error {
  const toggle = eager && !EAGER_FROM_COMMAND_LINE;
  if (toggle) setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    return new WebAssembly.Module(bytes);
  } catch (err) {
    if (err instanceof WebAssembly.CompileError) return err;
    throw err;
  } finally {
    if (toggle) setFlagsFromString('--wasm-lazy-compilation');
  }
}

/**
 * A process started with `--no-wasm-lazy-compilation` compiles eagerly already: switching the
 * flag back off after a compile would change what that process asked for.
 */
const EAGER_FROM_COMMAND_LINE = process.execArgv.includes('--no-wasm-lazy-compilation');
