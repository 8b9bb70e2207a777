// Builds the worker bundle (runtime/worker.ts) and the sandbox launcher (native/launcher.ts)
// into a private folder with the same esbuild settings as scripts/build.mjs, so host tests run
// the current source and neither depend on nor race with a shared dist/ folder. The folder is
// under node_modules/.cache: the launcher resolves koffi from there, and it is readable by the
// unprivileged uid sealed workers drop to.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BINDGEN_FILES,
  BUNDLED_BINDGEN_DIR,
  bindgenDir,
} from '../../runtime/wasi/component/bindgen.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BANNER =
  "import { createRequire as __pvfCreateRequire } from 'node:module';\nconst require = __pvfCreateRequire(import.meta.url);";

export interface Bundles {
  readonly worker: string;
  readonly launcher: string;
  readonly dir: string;
}

let built: Promise<Bundles> | undefined;

async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['koffi'],
    packages: 'bundle',
    banner: { js: BANNER },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o644);
}

/** Paths of freshly built worker and launcher bundles (built once per test process). */
export function testBundles(): Promise<Bundles> {
  built ??= (async () => {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'pvf-test-'));
    chmodSync(dir, 0o755);
    const worker = join(dir, 'worker.js');
    const launcher = join(dir, 'launcher.js');
    await Promise.all([
      bundle('runtime/worker.ts', worker),
      bundle('native/launcher.ts', launcher),
    ]);
    // jco's bindgen beside the worker, as scripts/build.mjs puts it (component PVFs).
    mkdirSync(join(dir, BUNDLED_BINDGEN_DIR));
    for (const f of BINDGEN_FILES)
      copyFileSync(join(bindgenDir(), f), join(dir, BUNDLED_BINDGEN_DIR, f));
    return { worker, launcher, dir };
  })();
  return built;
}

/**
 * Bundles a test-only worker script from TypeScript `source` (imports resolve from the project
 * root, e.g. './runtime/protocol/messages.js') into the same folder; returns its path.
 */
export async function testScript(name: string, source: string): Promise<string> {
  const { dir } = await testBundles();
  const outfile = join(dir, name);
  await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts', sourcefile: name },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: { js: BANNER },
    logLevel: 'warning',
  });
  chmodSync(outfile, 0o644);
  return outfile;
}
