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
// - the bytes are read from `schnorrkel/` beside the bundle (scripts/build.mjs copies them to
//   dist/schnorrkel/, where a sealed worker may read) or else from the installed package.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHNORRKEL_WASM = 'schnorrkel_bg.wasm';
export const BUNDLED_SCHNORRKEL_DIR = 'schnorrkel';

interface Exports {
  memory: WebAssembly.Memory;
  sr25519_verify(p0: number, l0: number, p1: number, l1: number, p2: number, l2: number): number;
  __wbindgen_malloc(size: number, align: number): number;
}

/** The module's file: beside the bundle when built, else the installed package's. */
export function schnorrkelWasmPath(): string {
  const beside = fileURLToPath(new URL(`./${BUNDLED_SCHNORRKEL_DIR}/`, import.meta.url));
  if (existsSync(join(beside, SCHNORRKEL_WASM))) return join(beside, SCHNORRKEL_WASM);
  const entry = createRequire(import.meta.url).resolve('@polkadot-labs/schnorrkel-wasm');
  return join(dirname(entry), SCHNORRKEL_WASM);
}

const module = new WebAssembly.Module(readFileSync(schnorrkelWasmPath()));

/** Every import traps: verification calls none of them unless it panics. */
const imports: WebAssembly.Imports = {};
for (const i of WebAssembly.Module.imports(module)) {
  (imports[i.module] ??= {})[i.name] = () => {
    throw new Error(`schnorrkel wasm called ${i.name}`);
  };
}

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
