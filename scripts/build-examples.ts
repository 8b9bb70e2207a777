// Compiles the example PVFs (examples/assembly, AssemblyScript) to dist/examples/<name>.wasm.
// Run by `npm run build` after the bundles; tests compile from source with the same function.
//
// The flags live in examples/assembly/asconfig.json: the stub runtime (the PVFs never
// allocate: the host writes the parameters at `__heap_base`), `abort` routed to the PVFs' own
// panic, and every post-MVP feature the compiler enables by default turned off, because
// Polkadot's executor accepts only MVP wasm (plus nothing it does not configure).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildWasiExamples } from './build-wasi-examples.js';
import { EXAMPLE_PVFS, type ExamplePvf, exampleCodePath } from '../src/examples/code.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The part of the compiler's API the build scripts use (assemblyscript/asc `main`). */
export interface Asc {
  main(
    argv: string[],
    options: {
      readFile?(file: string, baseDir: string): string | null;
      writeFile(file: string, contents: Uint8Array | string, baseDir: string): void;
    },
  ): Promise<{ error: Error | null; stderr: { toString(): string } }>;
}

const ASC_MODULE = 'assemblyscript/asc';
export const loadAsc = async (): Promise<Asc> =>
  ((await import(ASC_MODULE)) as { default: Asc }).default;

/** Compiles one example PVF from source. Throws with the compiler's diagnostics on failure. */
export async function compileExamplePvf(name: ExamplePvf): Promise<Uint8Array> {
  let code: Uint8Array | undefined;
  const asc = await loadAsc();
  const { error, stderr } = await asc.main(
    [
      `examples/assembly/${name}.ts`,
      ...['--config', 'examples/assembly/asconfig.json', '--baseDir', ROOT],
      ...['--outFile', `${name}.wasm`],
    ],
    {
      writeFile(file, contents) {
        if (file.endsWith('.wasm') && typeof contents !== 'string') code = contents;
      },
    },
  );
  if (error || code === undefined)
    throw new Error(
      `asc failed on ${name}: ${error?.message ?? 'no output'}\n${stderr.toString()}`,
    );
  const problems = shapeProblems(code);
  if (problems.length > 0) throw new Error(`${name}.wasm: ${problems.join('; ')}`);
  return code;
}

/**
 * The ABI shape every example PVF must have: only `env.ext_logging_log_version_1` imported
 * (no `env.abort`, `env.seed` or other compiler helpers), and `memory`, `validate_block`,
 * `__heap_base` exported, like Polkadot's adder blob.
 */
export function shapeProblems(code: Uint8Array): string[] {
  const module = new WebAssembly.Module(code);
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}:${i.kind}`);
  const exports = new Set(WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`));
  const problems = imports
    .filter((i) => i !== 'env.ext_logging_log_version_1:function')
    .map((i) => `unexpected import ${i}`);
  for (const want of ['memory:memory', 'validate_block:function', '__heap_base:global'])
    if (!exports.has(want)) problems.push(`missing export ${want}`);
  return problems;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const name of EXAMPLE_PVFS) {
    const file = join(ROOT, exampleCodePath(name));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await compileExamplePvf(name));
  }
  await buildWasiExamples(); // the wasi-p1 and component examples, beside these
}
