// The example PVFs' code. `npm run build` compiles them from examples/assembly (AssemblyScript)
// to dist/examples/<name>.wasm, which ships with the package, so a run needs no file from
// outside it. Found from this module's own location: dist/ when bundled, src/examples/ when run
// from source.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example PVFs: Polkadot's adder test parachain, and a CPU-heavy one after `undying`. */
export const EXAMPLE_PVFS = ['adder', 'undying'] as const;
export type ExamplePvf = (typeof EXAMPLE_PVFS)[number];

/** The example code has not been built (run `npm run build`). */
export class ExampleCodeMissingError extends Error {
  override name = 'ExampleCodeMissingError';
}

/** Where the build puts an example PVF, relative to the package root. */
export const exampleCodePath = (name: ExamplePvf): string =>
  join('dist', 'examples', `${name}.wasm`);

/**
 * Reads a built example PVF.
 * @throws {ExampleCodeMissingError} when the build has not produced it.
 */
export function exampleCode(name: ExamplePvf): Uint8Array {
  const file = join(packageRoot(), exampleCodePath(name));
  if (!existsSync(file))
    throw new ExampleCodeMissingError(`${file} is missing: run \`npm run build\` first`);
  return new Uint8Array(readFileSync(file));
}

/** The nearest folder above this module that holds a package.json (the package root). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new ExampleCodeMissingError('no package.json above ' + import.meta.url);
    dir = up;
  }
  return dir;
}
