// Builds dist/curve25519/curve25519.node: the native sr25519 and ed25519 verification the host
// functions try first (addons/curve25519/curve25519.c on libsodium's ed25519/ristretto255 code;
// runtime/host/curve25519-native.ts loads it). Run by scripts/build.mjs;
// `node scripts/build-curve25519-addon.mjs` alone rebuilds it.
//
// libsodium's source comes from Debian's archive, the distribution this project's CI and
// toolchains use: the upstream 1.0.18 release as Debian ships it (`libsodium_1.0.18.orig.tar.gz`),
// checked against the SHA-256 below and cached under node_modules/.cache. Only its
// crypto_core/ed25519/ref10 code is compiled in, and its licence (ISC) goes beside the addon.
//
// Never fatal: without a C compiler, Node's headers, the source, or on a machine other than
// 64-bit little-endian with 128-bit integers, it says why in one line and schnorrkel's wasm build
// and OpenSSL with the ZIP-215 check serve (the same verdicts, in about 2-3x the time).
/* global fetch, AbortSignal */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const VERSION = '1.0.18';
const URL = `http://deb.debian.org/debian/pool/main/libs/libsodium/libsodium_${VERSION}.orig.tar.gz`;
const SHA256 = 'd59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4';
const CACHE = join(ROOT, 'node_modules', '.cache', `libsodium-${VERSION}`);
const OUT = join(ROOT, 'dist', 'curve25519');

/** The libsodium source folder, fetched and checked if not cached yet. */
async function libsodiumSource() {
  const marker = join(CACHE, 'src', 'libsodium', 'crypto_core', 'ed25519', 'ref10');
  if (existsSync(join(marker, 'ed25519_ref10.c'))) return CACHE;
  const res = await fetch(URL, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${URL}: HTTP ${res.status}`);
  const tgz = Buffer.from(await res.arrayBuffer());
  const sum = createHash('sha256').update(tgz).digest('hex');
  if (sum !== SHA256) throw new Error(`${URL}: SHA-256 ${sum}, expected ${SHA256}`);
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const archive = join(CACHE, 'source.tar.gz');
  writeFileSync(archive, tgz);
  const top = `libsodium-${VERSION}`;
  execFileSync('tar', [
    'xzf',
    archive,
    '-C',
    CACHE,
    '--strip-components=1',
    `${top}/LICENSE`,
    `${top}/src/libsodium/include`,
    `${top}/src/libsodium/crypto_core/ed25519/ref10`,
  ]);
  rmSync(archive);
  return CACHE;
}

export async function buildCurve25519Addon() {
  // fe_51 needs unsigned __int128 and little-endian byte order (HAVE_TI_MODE, NATIVE_LITTLE_ENDIAN).
  if (process.arch !== 'x64' && process.arch !== 'arm64')
    return `not built on ${process.arch}: it needs a 64-bit little-endian machine`;
  const nodeInclude = join(dirname(process.execPath), '..', 'include', 'node');
  if (!existsSync(join(nodeInclude, 'node_api.h')))
    return `not built: Node's headers are not at ${nodeInclude}`;
  let src;
  try {
    src = await libsodiumSource();
  } catch (e) {
    return `not built: libsodium ${VERSION}'s source is not available (${e.message})`;
  }
  const lib = join(src, 'src', 'libsodium');
  mkdirSync(OUT, { recursive: true });
  try {
    execFileSync(
      process.env.CC ?? 'cc',
      [
        // -O3: a verification with the vector code (ifma.h) takes 0.85-0.9x of its -O2 time, and
        // merlin.h's Keccak 0.4x; libsodium's own code is no different.
        '-O3',
        '-fPIC',
        '-shared',
        '-fvisibility=hidden',
        '-DCONFIGURED=1',
        '-DHAVE_TI_MODE=1',
        '-DNATIVE_LITTLE_ENDIAN=1',
        `-I${join(lib, 'include')}`,
        `-I${join(lib, 'include', 'sodium')}`,
        `-I${nodeInclude}`,
        `-I${join(lib, 'crypto_core', 'ed25519', 'ref10')}`,
        join(ROOT, 'addons', 'curve25519', 'curve25519.c'),
        '-o',
        join(OUT, 'curve25519.node'),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (e) {
    rmSync(OUT, { recursive: true, force: true });
    const why = e.code === 'ENOENT' ? 'no C compiler (cc)' : String(e.stderr ?? e.message).trim();
    return `not built: ${why.split('\n').slice(-3).join(' ')}`;
  }
  copyFileSync(join(src, 'LICENSE'), join(OUT, 'LICENSE'));
  const digest = createHash('sha256')
    .update(readFileSync(join(OUT, 'curve25519.node')))
    .digest('hex');
  return `built (libsodium ${VERSION}, sha256 ${digest.slice(0, 16)}…)`;
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  console.log(`curve25519 native addon: ${await buildCurve25519Addon()}`);
