// Builds the native secp256k1 recovery addon (runtime/host/secp256k1-native.c) into
// dist/secp256k1/secp256k1.node, beside the worker bundle where a sealed worker may read it
// (runtime/host/secp256k1-native.ts loads it), with libsecp256k1's licence.
//
// libsecp256k1's sources come from the npm package `secp256k1` (pinned exact as a
// devDependency), which vendors them under src/secp256k1. Configuration as secp256k1-sys builds
// them where it matters (its build.rs): ECMULT_WINDOW_SIZE 15, ECMULT_GEN_PREC_BITS 4, the
// recovery module, no GMP; 5x52 field and 4x64 scalar with __int128 on 64-bit targets, C code
// only (no x86_64 assembly, as secp256k1-sys). The endomorphism, optional in this tree and
// always on in later releases, changes speed, not results.
//
// A machine without a C compiler or without Node's headers gets one line saying so, and no
// addon: the runtime then serves recovery from the wasm build.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const SOURCE = 'runtime/host/secp256k1-native.c';

/** Node's C headers (node_api.h) for the running node, or null. */
function nodeHeaders() {
  const dir = join(dirname(realpathSync(process.execPath)), '..', 'include', 'node');
  return existsSync(join(dir, 'node_api.h')) ? dir : null;
}

/** `cc`, if one runs here. */
function compiler() {
  const cc = process.env.CC || 'cc';
  try {
    execFileSync(cc, ['--version'], { stdio: 'ignore' });
    return cc;
  } catch {
    return null;
  }
}

/**
 * Compiles the addon into `outDir` (dist/secp256k1). Returns the output path, or null after
 * printing why it was skipped.
 */
export function buildSecp256k1Addon(outDir) {
  const pkgDir = dirname(createRequire(import.meta.url).resolve('secp256k1/package.json'));
  const lib = join(pkgDir, 'src', 'secp256k1');
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const headers = nodeHeaders();
  const cc = compiler();
  const why =
    process.platform !== 'linux'
      ? `not Linux (${process.platform})`
      : headers === null
        ? `no Node headers (include/node/node_api.h) beside ${process.execPath}`
        : cc === null
          ? 'no C compiler (cc)'
          : !existsSync(join(lib, 'src', 'secp256k1.c'))
            ? `no libsecp256k1 sources in ${lib}`
            : null;
  if (why !== null) {
    console.log(`secp256k1 native addon skipped: ${why}; recovery runs on the wasm build`);
    return null;
  }
  const wide = process.arch === 'x64' || process.arch === 'arm64';
  const defines = [
    'ENABLE_MODULE_RECOVERY=1',
    'ECMULT_WINDOW_SIZE=15',
    'ECMULT_GEN_PREC_BITS=4',
    'USE_ENDOMORPHISM=1',
    'USE_NUM_NONE=1',
    'USE_FIELD_INV_BUILTIN=1',
    'USE_SCALAR_INV_BUILTIN=1',
    ...(wide
      ? ['HAVE___INT128=1', 'USE_FIELD_5X52=1', 'USE_SCALAR_4X64=1']
      : ['USE_FIELD_10X26=1', 'USE_SCALAR_8X32=1']),
    `PVF_LIBSECP_VERSION="libsecp256k1 from secp256k1@${version} (an upstream tree of late 2019)"`,
  ];
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'secp256k1.node');
  const t0 = performance.now();
  execFileSync(
    cc,
    [
      '-O2',
      '-shared',
      '-fPIC',
      '-fvisibility=hidden',
      '-w', // the vendored tree's own warnings are not ours to fix
      `-I${headers}`,
      `-I${lib}`,
      `-I${join(lib, 'src')}`,
      ...defines.map((d) => `-D${d}`),
      SOURCE,
      join(lib, 'src', 'secp256k1.c'),
      '-o',
      out,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  // Redistributed third-party code: libsecp256k1's licence (MIT) goes with the binary.
  copyFileSync(join(lib, 'COPYING'), join(outDir, 'COPYING.libsecp256k1'));
  console.log(
    `secp256k1 native addon: ${out} (libsecp256k1 from secp256k1@${version}, ${Math.round(performance.now() - t0)} ms)`,
  );
  return out;
}
