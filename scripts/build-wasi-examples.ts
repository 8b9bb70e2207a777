// Builds the WASI example PVFs to dist/examples/<name>.wasm, fully offline, from source the
// project owns: AssemblyScript (the adder shared with examples/assembly, compiled with a WASI
// stand-in for its sp-io logging import) and WAT, made into components by jco-transpile's
// wasm-tools (`parse`, `componentEmbed` with the WIT of examples/wit, `componentNew`). Run by
// `npm run build`; tests build from source with the same functions.
import type * as WasmToolsModule from '@bytecodealliance/jco-transpile/wasm-tools';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadAsc } from './build-examples.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_ENV = normalize('examples/assembly/lib/env.ts');

/** The WASI example PVFs and the ABI each has. */
export const WASI_EXAMPLES = {
  /** ABI 1: the adder over wasi_snapshot_preview1. */
  'wasi-p1-adder': 'wasi-p1',
  /** ABI 2: the adder as a component of world `pvf`. */
  'component-adder': 'component',
  /** Adversarial ABI 1: imports every preview1 `sock_*` function. */
  'wasi-sockets-p1': 'wasi-p1',
  /** Adversarial ABI 2: imports wasi:sockets/tcp-create-socket. */
  'wasi-sockets-tcp': 'component',
  /** Adversarial ABI 2: imports wasi:http/outgoing-handler. */
  'wasi-sockets-http': 'component',
} as const;
export type WasiExample = keyof typeof WASI_EXAMPLES;

/** Where the build writes a WASI example, relative to the package root. */
export const wasiExamplePath = (name: WasiExample): string =>
  join('dist', 'examples', `${name}.wasm`);

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The WIT of examples/wit as one string (its WASI packages are nested, so no file access). */
export const exampleWit = (): string =>
  read('examples/wit/pvf.wit') + '\n' + read('examples/wit/wasi.wit');

/**
 * Compiles an AssemblyScript entry with the examples' compiler settings, serving `envFile` in
 * place of the shared sp-io import declarations.
 */
async function compileAssemblyScript(entry: string, envFile: string): Promise<Uint8Array> {
  let code: Uint8Array | undefined;
  const asc = await loadAsc();
  const { error, stderr } = await asc.main(
    [
      entry,
      '--config',
      'examples/assembly/asconfig.json',
      '--baseDir',
      ROOT,
      '--outFile',
      'out.wasm',
    ],
    {
      readFile(file, baseDir) {
        const path = normalize(file) === SHARED_ENV ? envFile : file;
        try {
          return readFileSync(join(baseDir, path), 'utf8');
        } catch {
          return null;
        }
      },
      writeFile(file, contents) {
        if (file.endsWith('.wasm') && typeof contents !== 'string') code = contents;
      },
    },
  );
  if (error || code === undefined)
    throw new Error(
      `asc failed on ${entry}: ${error?.message ?? 'no output'}\n${stderr.toString()}`,
    );
  return code;
}

type WasmTools = typeof WasmToolsModule;
const wasmTools = (): Promise<WasmTools> => import('@bytecodealliance/jco-transpile/wasm-tools');

/** Makes a component of world `pvf:runtime/<world>` from a core module. */
async function componentOf(core: Uint8Array, world: string): Promise<Uint8Array> {
  const { componentEmbed, componentNew } = await wasmTools();
  const embedded = await componentEmbed({
    binary: core,
    witSource: exampleWit(),
    world: `pvf:runtime/${world}`,
  });
  return componentNew(embedded);
}

/** WAT → core module, validated (wasm-tools' `parse` does not validate). */
async function wat(path: string): Promise<Uint8Array> {
  const { parse } = await wasmTools();
  const bytes = await parse(read(path));
  if (!WebAssembly.validate(bytes)) throw new Error(`${path} does not validate`);
  return bytes;
}

const WASI_SOURCES = 'examples/assembly/wasi';

/**
 * Names AssemblyScript cannot spell, from what it emits to what the `pvf-stderr` world's
 * canonical ABI expects (legacy core names of WASI 0.2.3 imports and of the export).
 */
const COMPONENT_ADDER_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['(import "wasi_cli_stderr" "get_stderr"', '(import "wasi:cli/stderr@0.2.3" "get-stderr"'],
  [
    '(import "wasi_cli_stderr" "blocking_write_and_flush"',
    '(import "wasi:io/streams@0.2.3" "[method]output-stream.blocking-write-and-flush"',
  ],
  ['(export "validate_block_export"', '(export "validate-block"'],
];

/** Renames imports and exports in a module's text form; each rename must apply exactly once. */
async function renamed(core: Uint8Array, names: typeof COMPONENT_ADDER_NAMES): Promise<Uint8Array> {
  const { parse, print } = await wasmTools();
  let text = await print(core);
  for (const [from, to] of names) {
    if (text.split(from).length !== 2)
      throw new Error(`expected ${from} exactly once in the module`);
    text = text.replace(from, to);
  }
  return parse(text);
}

/** Builds one WASI example from source. */
export async function buildWasiExample(name: WasiExample): Promise<Uint8Array> {
  switch (name) {
    case 'wasi-p1-adder':
      return compileAssemblyScript(
        `${WASI_SOURCES}/p1-adder.ts`,
        `${WASI_SOURCES}/p1-stderr-log.ts`,
      );
    case 'component-adder': {
      const core = await compileAssemblyScript(
        `${WASI_SOURCES}/component-adder.ts`,
        `${WASI_SOURCES}/component-stderr-log.ts`,
      );
      return componentOf(await renamed(core, COMPONENT_ADDER_NAMES), 'pvf-stderr');
    }
    case 'wasi-sockets-p1':
      return wat('examples/wasi-sockets-p1/sockets.wat');
    case 'wasi-sockets-tcp':
      return componentOf(await wat('examples/wasi-sockets-tcp/core.wat'), 'pvf-tcp');
    case 'wasi-sockets-http':
      return componentOf(await wat('examples/wasi-sockets-http/core.wat'), 'pvf-http');
  }
}

/** Builds every WASI example into dist/examples (called by scripts/build-examples.ts). */
export async function buildWasiExamples(): Promise<void> {
  for (const name of Object.keys(WASI_EXAMPLES) as WasiExample[]) {
    const file = join(ROOT, wasiExamplePath(name));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await buildWasiExample(name));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await buildWasiExamples();
