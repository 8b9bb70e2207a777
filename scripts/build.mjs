// Bundles each entry point into one file under dist/ so that a sealed worker reads few files
// (its Landlock rules allow only the node binary, its libraries and the bundle).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const entries = [
  { in: 'src/index.ts', out: 'index', bundleDeps: false },
  { in: 'src/cli/main.ts', out: 'cli', bundleDeps: false, shebang: true },
  { in: 'runtime/worker.ts', out: 'worker', bundleDeps: true },
  // The worker's loop, started by worker.js on a thread with the guest stack.
  { in: 'runtime/worker-thread.ts', out: 'worker-thread', bundleDeps: true },
  { in: 'native/launcher.ts', out: 'launcher', bundleDeps: true },
  // Sealed scripts of `pvf sandbox self-test`, found beside the launcher.
  { in: 'native/self-test/js-attacks.ts', out: 'sandbox/js-attacks', bundleDeps: true },
  { in: 'native/self-test/native-attacks.ts', out: 'sandbox/native-attacks', bundleDeps: true },
];

rmSync('dist', { recursive: true, force: true });
for (const e of entries.filter((e) => existsSync(e.in))) {
  const banner = [
    e.shebang ? '#!/usr/bin/env node' : '',
    // Bundled CommonJS dependencies call require(); give ESM output one.
    "import { createRequire as __pvfCreateRequire } from 'node:module';",
    'const require = __pvfCreateRequire(import.meta.url);',
  ].filter(Boolean);
  await build({
    entryPoints: [e.in],
    outfile: `dist/${e.out}.js`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    // koffi is a native addon: never bundled, only ever loaded by the launcher and the CLI.
    external: ['koffi'],
    packages: e.bundleDeps ? 'bundle' : 'external',
    banner: { js: banner.join('\n') },
    logLevel: 'warning',
  });
}

// Component PVFs: the worker loads jco's bindgen from dist/jco-bindgen/, beside its bundle,
// because a sealed worker may read only its own folder (runtime/wasi/component/bindgen.ts).
const bindgen = dirname(
  createRequire(import.meta.url).resolve('@bytecodealliance/jco-transpile/component'),
);
mkdirSync('dist/jco-bindgen', { recursive: true });
for (const f of [
  'js-component-bindgen-component.js',
  'js-component-bindgen-component.core.wasm',
  'js-component-bindgen-component.core2.wasm',
])
  copyFileSync(join(bindgen, f), join('dist/jco-bindgen', f));
// Redistributed third-party code: its licence (Apache-2.0 WITH LLVM-exception) goes with it.
copyFileSync(join(bindgen, '..', 'LICENSE'), 'dist/jco-bindgen/LICENSE');

// The crypto host functions' wasm modules (runtime/host/vendor-wasm.ts), beside the worker
// bundle where a sealed worker may read them, each with its licence (both MIT).
for (const v of [
  {
    dir: 'schnorrkel',
    file: 'schnorrkel_bg.wasm',
    pkg: '@polkadot-labs/schnorrkel-wasm',
    fromEntry: 'schnorrkel_bg.wasm',
    licence: '../../LICENSE',
  },
  {
    dir: 'secp256k1',
    file: 'secp256k1.wasm',
    pkg: 'tiny-secp256k1',
    fromEntry: '../secp256k1.wasm',
    licence: '../../LICENSE',
  },
]) {
  const entry = dirname(createRequire(import.meta.url).resolve(v.pkg));
  mkdirSync(join('dist', v.dir), { recursive: true });
  copyFileSync(join(entry, v.fromEntry), join('dist', v.dir, v.file));
  copyFileSync(join(entry, v.licence), join('dist', v.dir, 'LICENSE'));
}
