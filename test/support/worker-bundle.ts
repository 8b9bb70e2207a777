// Builds the worker bundle (runtime/worker.ts, and runtime/worker-thread.ts which it runs on
// the guest-stack thread) and the sandbox launcher (native/launcher.ts) with the settings of scripts/build.mjs into a folder of their own (bundle-dir.ts: one per
// content, shared by every test process on the same source), so host tests run the current
// source and neither depend on nor race with a shared dist/ folder.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import {
  BINDGEN_FILES,
  BUNDLED_BINDGEN_DIR,
  bindgenDir,
} from '../../runtime/wasi/component/bindgen.js';
import { secp256k1AddonPath } from '../../runtime/host/secp256k1-native.js';
import { VENDOR_WASMS, vendorWasmPath } from '../../runtime/host/vendor-wasm.js';
import {
  addFile,
  BUNDLE_OPTIONS,
  type BundleFile,
  contentDir,
  REQUIRE_BANNER,
} from './bundle-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NATIVE_CURVE25519 = join(ROOT, 'dist', 'curve25519', 'curve25519.node');

export interface Bundles {
  readonly worker: string;
  readonly launcher: string;
  readonly dir: string;
}

const built = new Map<boolean, Promise<Bundles>>();

async function bundle(entry: string, path: string): Promise<BundleFile> {
  const out = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join(ROOT, entry)],
    outfile: path,
    banner: { js: REQUIRE_BANNER },
  });
  return { path, contents: out.outputFiles[0]!.contents };
}

/**
 * Paths of the worker and launcher bundles of the current source (built once per process).
 * The native secp256k1 addon goes beside them when `npm run build` made it, unless
 * `secp256k1Addon` is false (then recovery runs on the wasm build, as on a machine without it).
 */
export function testBundles(opts: { secp256k1Addon?: boolean } = {}): Promise<Bundles> {
  const withAddon = opts.secp256k1Addon ?? true;
  const cached = built.get(withAddon);
  if (cached !== undefined) return cached;
  const made = (async () => {
    const files = await Promise.all([
      bundle('runtime/worker.ts', 'worker.js'),
      // worker.js starts its loop from this file beside it, on the guest-stack thread.
      bundle('runtime/worker-thread.ts', 'worker-thread.js'),
      bundle('native/launcher.ts', 'launcher.js'),
    ]);
    // jco's bindgen beside the worker, as scripts/build.mjs puts it (component PVFs).
    for (const f of BINDGEN_FILES)
      files.push({
        path: `${BUNDLED_BINDGEN_DIR}/${f}`,
        contents: readFileSync(join(bindgenDir(), f)),
      });
    // The crypto host functions' wasm modules beside the worker, as scripts/build.mjs puts them.
    for (const v of VENDOR_WASMS)
      files.push({ path: `${v.dir}/${v.file}`, contents: readFileSync(vendorWasmPath(v)) });
    const addon = secp256k1AddonPath();
    if (withAddon && addon !== undefined)
      files.push({ path: 'secp256k1/secp256k1.node', contents: readFileSync(addon) });
    // The native sr25519 addon too, where `npm run build` made it (runtime/host/curve25519-native.ts).
    if (existsSync(NATIVE_CURVE25519))
      files.push({ path: 'curve25519/curve25519.node', contents: readFileSync(NATIVE_CURVE25519) });
    const dir = contentDir('pvf-test-', files);
    return { worker: join(dir, 'worker.js'), launcher: join(dir, 'launcher.js'), dir };
  })();
  built.set(withAddon, made);
  return made;
}

/**
 * Bundles a test-only worker script from TypeScript `source` (imports resolve from the project
 * root, e.g. './runtime/protocol/messages.js') into the same folder; returns its path (`name`
 * with the script's content hash before the extension).
 */
export async function testScript(name: string, source: string): Promise<string> {
  const { dir } = await testBundles();
  const out = await build({
    ...BUNDLE_OPTIONS,
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts', sourcefile: name },
    outfile: join(dir, name),
    banner: { js: REQUIRE_BANNER },
  });
  return addFile(dir, name, out.outputFiles[0]!.contents);
}

/**
 * A launcher for tests whose worker must start a process: it installs the worker filter
 * without its no-new-processes rule (what `pvf sandbox run` gets), every other layer as
 * planned, by rewriting the configuration and then running the real launcher beside it.
 */
export function forkingLauncher(): Promise<string> {
  return testScript(
    'forking-launcher.js',
    `
import { decodeLaunchConfig, encodeLaunchConfig } from './native/launch-config.js';
import { workerSeccompProgram } from './native/linux/policy.js';
const config = decodeLaunchConfig(process.argv[2]);
const program = workerSeccompProgram('errno', { newProcesses: true });
process.argv[2] = encodeLaunchConfig({ ...config, seccomp: { ...config.seccomp, program } });
const launcher = new URL('./launcher.js', import.meta.url).href;
await import(launcher);
`,
  );
}
