// libsecp256k1 compiled natively (runtime/host/secp256k1-native.c, built by
// scripts/build-secp256k1-addon.mjs into secp256k1/secp256k1.node beside the worker bundle, where
// a sealed worker may read it): the same library and calls as secp256k1-wasm.ts at about a
// quarter of the cost. Loaded with Node's own addon loader (process.dlopen through
// createRequire): no FFI library is involved. Absent or broken, the caller falls back.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface Addon {
  recover(io: Uint8Array, recid: number, outlen: number): number;
  readonly version: string;
}

/** The addon's file: beside the bundle when built, else the source tree's dist/ (tests, tsx). */
export function secp256k1AddonPath(): string | undefined {
  for (const rel of ['./secp256k1/secp256k1.node', '../../dist/secp256k1/secp256k1.node']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

let addon: Addon | undefined;
// One buffer for every call: hash at 0, r ‖ s at 32, the key written at 96 (the addon's layout).
const io = new Uint8Array(96 + 65);

/**
 * Loads the addon once. Returns its library description, or throws why it cannot serve (no
 * file, a load error, a module without the expected exports).
 */
export function loadSecp256k1Native(): string {
  if (addon !== undefined) return addon.version;
  const path = secp256k1AddonPath();
  if (path === undefined) throw new Error('secp256k1.node not built');
  const loaded = createRequire(import.meta.url)(path) as Partial<Addon>;
  if (typeof loaded.recover !== 'function' || typeof loaded.version !== 'string')
    throw new Error(`${path}: not the recovery addon`);
  addon = loaded as Addon;
  return addon.version;
}

/**
 * libsecp256k1 `secp256k1_ecdsa_recover` of `rs` (r ‖ s, both below n) with recovery id 0..=3
 * over `hash32`: the key (33 bytes compressed or 65 uncompressed), null if libsecp256k1 refuses,
 * undefined if the addon is not loaded or reports misuse (the caller asks the reference).
 */
export function secp256k1RecoverNative(
  rs: Uint8Array,
  recid: number,
  hash32: Uint8Array,
  compressed: boolean,
): Uint8Array | null | undefined {
  if (addon === undefined) return undefined;
  const len = compressed ? 33 : 65;
  io.set(hash32, 0);
  io.set(rs, 32);
  let status: number;
  try {
    status = addon.recover(io, recid, len);
  } catch {
    return undefined;
  }
  if (status === 1) return io.slice(96, 96 + len);
  return status === 0 ? null : undefined;
}
