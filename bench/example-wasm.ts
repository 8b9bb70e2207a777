// The example PVFs for benchmarks, compiled from source in a child process and cached by the
// hash of their sources. The AssemblyScript compiler leaves tens of MB on the heap of the
// process that loads it; a garbage collection marks all of it, and collections are most of what
// a validation that grows its memory costs (see engine.ts), so a measuring process must never
// load it. Run as a script, this compiles every example into the folder given.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compileExamplePvf } from '../scripts/build-examples.js';
import { EXAMPLE_PVFS, type ExamplePvf } from '../src/examples/code.js';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCES = join(ROOT, 'examples', 'assembly');

/** The cache folder for the current sources (and compiler version). */
function cacheDir(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(SOURCES, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(SOURCES, f);
    if (statSync(path).isFile()) h.update(f).update(readFileSync(path));
  }
  h.update(readFileSync(join(ROOT, 'node_modules', 'assemblyscript', 'package.json')));
  return join(ROOT, 'node_modules', '.cache', 'pvf-bench-examples', h.digest('hex').slice(0, 16));
}

/** The example PVF compiled from examples/assembly (not dist/, which may be stale). */
export function exampleWasm(name: ExamplePvf): Uint8Array {
  const dir = cacheDir();
  const file = join(dir, `${name}.wasm`);
  if (!existsSync(file))
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dir], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  return new Uint8Array(readFileSync(file));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2]!;
  mkdirSync(dir, { recursive: true });
  // Each file appears whole or not at all (a parallel run may be writing the same one).
  for (const name of EXAMPLE_PVFS) {
    const tmp = join(dir, `${name}.wasm.${process.pid}`);
    writeFileSync(tmp, await compileExamplePvf(name));
    renameSync(tmp, join(dir, `${name}.wasm`));
  }
}
