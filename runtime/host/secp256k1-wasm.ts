// bitcoin-core's libsecp256k1 (the C library behind the `secp256k1` crate sp-io's version 2
// functions call), compiled to wasm by `tiny-secp256k1` (through rust-secp256k1's
// secp256k1-sys), driven through a glue of our own: the package's JS wrapper throws on inputs
// the host functions must answer (it refuses r + n >= p and x off the curve before recovery).
// The module's `recover(outputlen, recid)` reads the 32-byte hash and the 64-byte compact
// signature from its own input buffers, runs `secp256k1_ecdsa_recoverable_signature_parse_compact`
// and `secp256k1_ecdsa_recover`, and returns 1 with the serialized key in its key buffer, or 0.
// A parse failure (r or s >= n) calls the imported `throwError`; callers pass only r, s < n, and
// any trap drops the instance for a fresh one and answers "undecided". Compiled on first use
// (secp256k1-backend.ts decides whether this build serves at all).
import { compileVendorWasm, SECP256K1, throwingImports } from './vendor-wasm.js';

interface Exports {
  memory: WebAssembly.Memory;
  initializeContext(): void;
  recover(outputlen: number, recid: number): number;
  HASH_INPUT: WebAssembly.Global;
  SIGNATURE_INPUT: WebAssembly.Global;
  PUBLIC_KEY_INPUT: WebAssembly.Global;
}

let module: WebAssembly.Module | undefined;
let imports: WebAssembly.Imports;
let wasm: Exports | undefined;
/** How many instances were dropped after a trap (for tests and diagnostics). */
export let secp256k1Rebuilds = 0;

function fresh(): Exports {
  if (module === undefined) {
    module = compileVendorWasm(SECP256K1);
    imports = throwingImports(module, 'secp256k1');
    // The context's randomization seed (`secp256k1_context_randomize`) blinds secret-key
    // operations against side channels; recovery uses none, so a constant serves and no
    // entropy is drawn.
    (imports['./rand.js'] as Record<string, () => number>).generateInt32 = () => 0x5eed;
  }
  const e = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
  e.initializeContext();
  return e;
}

/** Compiles and instantiates the module once; throws if it cannot be. */
export function loadSecp256k1Wasm(): void {
  wasm ??= fresh();
}

/**
 * libsecp256k1 `secp256k1_ecdsa_recover` of the compact signature `rs` (r ‖ s, big-endian, both
 * below n: the caller has refused or reduced larger ones) with recovery id 0..=3 over the
 * 32-byte message hash. Returns the key (33 bytes compressed or 65 uncompressed), null if
 * libsecp256k1 refuses (r or s zero, x not on the curve, r + n >= p with id 2/3, infinity), or
 * undefined if the module is not loaded or trapped.
 */
export function secp256k1Recover(
  rs: Uint8Array,
  recid: number,
  hash32: Uint8Array,
  compressed: boolean,
): Uint8Array | null | undefined {
  if (wasm === undefined) return undefined;
  try {
    const mem = new Uint8Array(wasm.memory.buffer);
    mem.set(hash32, wasm.HASH_INPUT.value as number);
    mem.set(rs, wasm.SIGNATURE_INPUT.value as number);
    const len = compressed ? 33 : 65;
    if (wasm.recover(len, recid) !== 1) return null;
    const at = wasm.PUBLIC_KEY_INPUT.value as number;
    return new Uint8Array(wasm.memory.buffer).slice(at, at + len);
  } catch {
    wasm = fresh();
    secp256k1Rebuilds++;
    return undefined;
  }
}
