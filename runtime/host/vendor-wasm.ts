// Third-party wasm modules the crypto host functions run (see schnorrkel-wasm.ts and
// secp256k1-wasm.ts), and where their bytes come from: `NAME/FILE` beside the bundle when built
// (scripts/build.mjs copies each there with its licence, so a sealed worker, whose Landlock
// rules allow reading only its own folder, can load it), else the installed package's file.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface VendorWasm {
  /** The folder beside the bundle. */
  readonly dir: string;
  /** The module's file name, in both places. */
  readonly file: string;
  /** The npm package, and the file's path relative to the folder of its resolved entry. */
  readonly pkg: string;
  readonly fromEntry: string;
  /** The licence file, relative to the folder of the resolved entry. */
  readonly licence: string;
}

export const SCHNORRKEL: VendorWasm = {
  dir: 'schnorrkel',
  file: 'schnorrkel_bg.wasm',
  pkg: '@polkadot-labs/schnorrkel-wasm',
  fromEntry: 'schnorrkel_bg.wasm',
  licence: '../../LICENSE',
};

export const SECP256K1: VendorWasm = {
  dir: 'secp256k1',
  file: 'secp256k1.wasm',
  pkg: 'tiny-secp256k1',
  fromEntry: '../secp256k1.wasm',
  licence: '../../LICENSE',
};

export const VENDOR_WASMS: readonly VendorWasm[] = [SCHNORRKEL, SECP256K1];

/** The installed package's folder holding its entry point (for the build and the tests). */
export function packageEntryDir(v: VendorWasm): string {
  return dirname(createRequire(import.meta.url).resolve(v.pkg));
}

/** The module's file: beside the bundle when built, else the installed package's. */
export function vendorWasmPath(v: VendorWasm): string {
  const beside = join(fileURLToPath(new URL(`./${v.dir}/`, import.meta.url)), v.file);
  if (existsSync(beside)) return beside;
  return join(packageEntryDir(v), v.fromEntry);
}

/** Compiles the module (once per process: callers keep it). */
export function compileVendorWasm(v: VendorWasm): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(vendorWasmPath(v)));
}

/** An import object whose every function throws: the module may call out only on an error path. */
export function throwingImports(module: WebAssembly.Module, what: string): WebAssembly.Imports {
  const imports: WebAssembly.Imports = {};
  for (const i of WebAssembly.Module.imports(module))
    (imports[i.module] ??= {})[i.name] = () => {
      throw new Error(`${what} wasm called ${i.name}`);
    };
  return imports;
}
