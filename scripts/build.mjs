// Bundles each entry point into one file under dist/ so that a sealed worker reads few files
// (its Landlock rules allow only the node binary, its libraries and the bundle).
import { build } from 'esbuild';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildSecp256k1Addon } from './build-secp256k1-addon.mjs';

const entries = [
  { in: 'src/index.ts', out: 'index', bundleDeps: false },
  // `pvf-runtime/examples`: example PVFs and block producers, apart from the validator's API.
  { in: 'src/examples/index.ts', out: 'examples-api', bundleDeps: false },
  // `pvf-runtime/metrics`: Prometheus through prom-client, an optional peer the core never loads.
  { in: 'src/metrics/index.ts', out: 'metrics', bundleDeps: false },
  { in: 'src/cli/main.ts', out: 'cli', bundleDeps: false, shebang: true },
  // The offline Cumulus collator, a subpath of its own (`pvf-runtime/collator`): not validator API.
  { in: 'src/collator/index.ts', out: 'collator', bundleDeps: false },
  { in: 'runtime/worker.ts', out: 'worker', bundleDeps: true },
  // The worker's loop, started by worker.js on a thread with the guest stack.
  { in: 'runtime/worker-thread.ts', out: 'worker-thread', bundleDeps: true },
  { in: 'native/launcher.ts', out: 'launcher', bundleDeps: true },
  // `pvf inspect` parses untrusted bytes in a sealed process of its own, beside the worker.
  { in: 'runtime/inspect-job.ts', out: 'inspect-job', bundleDeps: true },
  // Sealed scripts of `pvf sandbox self-test`, found beside the launcher.
  { in: 'native/self-test/js-attacks.ts', out: 'sandbox/js-attacks', bundleDeps: true },
  { in: 'native/self-test/native-attacks.ts', out: 'sandbox/native-attacks', bundleDeps: true },
  {
    in: 'native/self-test/isolation-attacks.ts',
    out: 'sandbox/isolation-attacks',
    bundleDeps: true,
  },
];

rmSync('dist', { recursive: true, force: true });
/** node_modules package folders whose code went into a bundle, for the notices file. */
const bundledPackages = new Set();
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
    metafile: true,
  }).then((result) => {
    for (const input of Object.keys(result.metafile.inputs)) {
      const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (m) bundledPackages.add(m[1]);
    }
  });
}
writeNotices([...bundledPackages].sort(), 'dist/THIRD-PARTY-NOTICES.txt');

/**
 * Bundles redistribute their dependencies' code, so each one's licence goes with it: name,
 * version, declared licence and the text of its LICENSE/COPYING/NOTICE files.
 */
function writeNotices(packageDirs, out) {
  const parts = [
    'Third-party code bundled into this package by its build (dist/*.js), with its licences.\n',
  ];
  for (const dir of packageDirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const texts = readdirSync(dir)
      .filter((f) => /^(licen[cs]e|copying|notice)(\.|$)/i.test(f))
      .map((f) => readFileSync(join(dir, f), 'utf8').trim());
    if (texts.length === 0)
      texts.push(`(no licence file shipped; package.json declares ${pkg.license ?? 'nothing'})`);
    parts.push(
      `${'='.repeat(78)}\n${pkg.name} ${pkg.version} — ${pkg.license ?? 'UNKNOWN'}\n\n${texts.join('\n\n')}\n`,
    );
  }
  writeFileSync(out, parts.join('\n'));
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

// libsecp256k1 as a native addon beside its wasm build (runtime/host/secp256k1-native.ts), the
// faster of the two; skipped with one line where no C compiler or Node headers are found.
buildSecp256k1Addon(join('dist', 'secp256k1'));

// The native sr25519 and ed25519 verification (scripts/build-curve25519-addon.mjs): one line
// either way, never fatal; without it the schnorrkel wasm build above and OpenSSL serve.
const { buildCurve25519Addon } = await import('./build-curve25519-addon.mjs');
console.log(`curve25519 native addon: ${await buildCurve25519Addon()}`);
