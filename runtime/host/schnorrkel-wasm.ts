// schnorrkel itself (the Rust crate sp-core's sr25519 uses), compiled to wasm by
// `@polkadot-labs/schnorrkel-wasm`, driven through a glue of our own instead of the package's:
// - its `sr25519_verify(pub, msg, sig)` is `PublicKey::from_bytes(pub).expect(..)`, then
//   `Signature::from_bytes(sig).expect(..)`, then `verify_simple(b"substrate", msg, &sig)`,
//   i.e. sp-core's `sr25519::Pair::verify` except that a malformed key or signature panics
//   (traps) where sp-core answers false. A trap can leave the instance inconsistent (its shadow
//   stack pointer is never restored), so after one this glue drops the instance and builds a
//   new one from the compiled module, and tells the caller "undecided" (the caller then asks
//   the reference implementation: see fast-verify.ts);
// - the package's glue instantiates at import and installs a panic hook that writes to
//   console.error; here `__wbindgen_start` is never called and every import traps, so the
//   module can neither print nor draw randomness (verification needs neither);
// - the bytes are read from `schnorrkel/` beside the bundle (vendor-wasm.ts).
import { compileVendorWasm, SCHNORRKEL, throwingImports } from './vendor-wasm.js';

interface Exports {
  memory: WebAssembly.Memory;
  sr25519_verify(p0: number, l0: number, p1: number, l1: number, p2: number, l2: number): number;
  __wbindgen_malloc(size: number, align: number): number;
}

const module = compileVendorWasm(SCHNORRKEL);
/** Every import traps: verification calls none of them unless it panics. */
const imports = throwingImports(module, 'schnorrkel');

let wasm = fresh();
/** How many instances were dropped after a trap (for tests and diagnostics). */
export let schnorrkelRebuilds = 0;

function fresh(): Exports {
  return new WebAssembly.Instance(module, imports).exports as unknown as Exports;
}

function put(bytes: Uint8Array): number {
  const ptr = wasm.__wbindgen_malloc(bytes.length, 1) >>> 0;
  new Uint8Array(wasm.memory.buffer, ptr, bytes.length).set(bytes);
  return ptr;
}

/**
 * schnorrkel `verify_simple(b"substrate", msg, sig)` under `pub`: true or false as schnorrkel
 * decides, or undefined if the module trapped (a malformed key or signature, or no memory for
 * a huge message), which the caller must decide otherwise.
 */
export function schnorrkelVerifySimple(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
): boolean | undefined {
  try {
    const p0 = put(pub);
    const p1 = put(msg);
    const p2 = put(sig);
    return wasm.sr25519_verify(p0, pub.length, p1, msg.length, p2, sig.length) !== 0;
  } catch {
    wasm = fresh();
    schnorrkelRebuilds++;
    return undefined;
  }
}
