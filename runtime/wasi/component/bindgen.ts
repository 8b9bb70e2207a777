// Loads jco's bindgen — the pinned `@bytecodealliance/jco-transpile`'s
// `js-component-bindgen-component` (a wasm component, transpiled to JS plus two core modules) —
// synchronously and capability-free, so it can run inside a sealed worker whose loop never
// yields to the event loop and whose Landlock rules allow reading only its own files:
// - the three vendor files are read from `jco-bindgen/` beside this module when bundled
//   (scripts/build.mjs copies them to dist/jco-bindgen/), else from the installed package;
// - its `@bytecodealliance/preview2-shim` imports (real stdio, filesystem, random) are replaced
//   by this project's deterministic WASI 0.2 host (../preview2/host.ts): no preopens, stdio
//   into a bounded log, random from a fixed seed;
// - its asynchronous start-up (`fetchCompile`, `WebAssembly.compile`/`instantiate`) is made
//   synchronous, so `$init` completes during the load.
// The rewrites are checked one by one: a jco-transpile upgrade that changes the glue fails
// loudly here (see test/runtime/wasi/bindgen.test.ts), never silently.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerateOptions } from '@bytecodealliance/jco-transpile/component';
import { DeterministicRandom } from '../deterministic.js';
import { preview2Imports } from '../preview2/host.js';
import { StdioLog } from '../stdio-log.js';

/** jco-transpile's vendor files, and where the build copies them beside the worker bundle. */
export const BINDGEN_FILES = [
  'js-component-bindgen-component.js',
  'js-component-bindgen-component.core.wasm',
  'js-component-bindgen-component.core2.wasm',
] as const;
export const BUNDLED_BINDGEN_DIR = 'jco-bindgen';

/** What this module uses of the bindgen. */
export interface Bindgen {
  generate(
    component: Uint8Array,
    options: GenerateOptions,
  ): { files: [string, Uint8Array][]; imports: string[]; exports: [string, string][] };
  /** What the bindgen wrote to stderr (a Rust panic explains itself there). */
  readonly log: StdioLog;
}

/** The bindgen could not be loaded: a packaging fault, never the PVF's. */
export class BindgenLoadError extends Error {
  override name = 'BindgenLoadError';
}

/** The vendor folder: beside the bundle when built, else the installed package's. */
export function bindgenDir(): string {
  const beside = fileURLToPath(new URL(`./${BUNDLED_BINDGEN_DIR}/`, import.meta.url));
  if (existsSync(join(beside, BINDGEN_FILES[0]))) return beside;
  const entry = createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile/component');
  return dirname(entry);
}

let loaded: Bindgen | undefined;

/** Loads the bindgen once per process. @throws {BindgenLoadError} */
export function loadBindgen(): Bindgen {
  loaded ??= loadBindgenFrom(bindgenDir());
  return loaded;
}

/** One rewrite of the glue: `from` must occur exactly `count` times. */
type Rewrite = readonly [
  from: string | RegExp,
  to: string | ((...m: string[]) => string),
  count: number,
];

const REWRITES: readonly Rewrite[] = [
  // import { a, b as c } from '@bytecodealliance/preview2-shim/cli'; → const { a, b: c } = …
  [
    /^import \{([^}]*)\} from '@bytecodealliance\/preview2-shim\/(\w+)';$/gm,
    (_, names: string, pkg: string) => `const {${names.replaceAll(' as ', ': ')}} = __shim.${pkg};`,
    4,
  ],
  [
    'const base64Compile = str => WebAssembly.compile(',
    'const base64Compile = str => new WebAssembly.Module(',
    1,
  ],
  [
    'async function fetchCompile (url) {',
    'function fetchCompile (url) { return __core(String(url)); }\nasync function __unusedFetchCompile (url) {',
    1,
  ],
  [
    'const instantiateCore = WebAssembly.instantiate;',
    'const instantiateCore = (module, imports) => new WebAssembly.Instance(module, imports);',
    1,
  ],
  [/import\.meta\.url/g, "'file:///jco-bindgen/'", 2],
  ['export const $init =', 'const $init =', 1],
  ['export const _util =', 'const _util =', 1],
  [/^export \{ generate, generateTypes, unpackWit, {2}\}$/m, '', 1],
];

/** Loads the bindgen from `dir` (holding {@link BINDGEN_FILES}). @throws {BindgenLoadError} */
export function loadBindgenFrom(dir: string): Bindgen {
  let js: string;
  const cores = new Map<string, WebAssembly.Module>();
  try {
    js = readFileSync(join(dir, BINDGEN_FILES[0]), 'utf8');
    for (const f of BINDGEN_FILES.slice(1))
      cores.set(`file:///jco-bindgen/${f}`, new WebAssembly.Module(readFileSync(join(dir, f))));
  } catch (err) {
    throw new BindgenLoadError(`cannot read jco's bindgen in ${dir}: ${(err as Error).message}`);
  }
  for (const [from, to, count] of REWRITES) {
    const hits =
      typeof from === 'string' ? js.split(from).length - 1 : (js.match(from) ?? []).length;
    if (hits !== count)
      throw new BindgenLoadError(
        `unexpected bindgen glue: ${String(from)} occurs ${hits} times, expected ${count}`,
      );
    js = js.replace(from, to as string);
  }
  const log = new StdioLog(64 * 1024);
  const shim = shimNamespaces(preview2Imports(log, new DeterministicRandom(new Uint8Array(0))));
  const core = (url: string): WebAssembly.Module => {
    const m = cores.get(url);
    if (!m) throw new BindgenLoadError(`the bindgen asked for an unknown core module ${url}`);
    return m;
  };
  try {
    const exports = new Function(
      '__shim',
      '__core',
      `"use strict";\n${js}\nreturn { $init, generate };`,
    )(shim, core) as { $init: unknown; generate: Bindgen['generate'] };
    if (exports.$init instanceof Promise)
      throw new BindgenLoadError('the bindgen did not start synchronously');
    return { generate: exports.generate, log };
  } catch (err) {
    if (err instanceof BindgenLoadError) throw err;
    throw new BindgenLoadError(`jco's bindgen does not start: ${(err as Error).message}`);
  }
}

/**
 * preview2-shim's module shape from an import map: `{ cli: { environment, stderr, … }, io: … }`,
 * one namespace per package, one camelCase member per interface.
 */
function shimNamespaces(imports: Record<string, object>): Record<string, Record<string, object>> {
  const out: Record<string, Record<string, object>> = {};
  for (const key of Object.keys(imports)) {
    const [, pkg, iface] = /^wasi:([a-z]+)\/([a-z-]+)$/.exec(key) ?? [];
    if (!pkg || !iface) continue;
    const camel = iface.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    (out[pkg] ??= {})[camel] = imports[key]!;
  }
  return out;
}
