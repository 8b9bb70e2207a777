// Builds the worker bundle (runtime/worker.ts → worker.js) into a private temporary folder, with
// the same esbuild settings as scripts/build.mjs, so host tests run the current source and do
// not depend on (or race with) a shared dist/ folder.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

let built: Promise<string> | undefined;

/** Path of a freshly built worker bundle (built once per test process). */
export function workerBundle(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvf-worker-'));
    const outfile = join(dir, 'worker.js');
    await build({
      entryPoints: [resolve(import.meta.dirname, '../../runtime/worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['koffi'],
      packages: 'bundle',
      banner: {
        js: "import { createRequire as __pvfCreateRequire } from 'node:module';\nconst require = __pvfCreateRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    return outfile;
  })();
  return built;
}
