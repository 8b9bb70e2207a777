// Where test bundles live: one folder per content under node_modules/.cache, named by the hash
// of its files, so every test process (and every concurrent run on the same source) shares one
// folder instead of leaving its own behind. The folder is inside the package so that the
// launcher's `import('koffi')` resolves; it carries a package.json marking its .js files as ESM
// (Node stops its package lookup at node_modules, so the project's own "type" does not reach
// it); it and its files are world-readable because sealed processes run as uid 65534 and may
// read only their script's folder (Landlock).
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache');

/** The esbuild settings of scripts/build.mjs for a bundled Node entry point. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['koffi'],
  packages: 'bundle',
  logLevel: 'warning',
  write: false,
} as const satisfies BuildOptions;

/** Bundled CommonJS dependencies call require(); give ESM output one (as scripts/build.mjs). */
export const REQUIRE_BANNER =
  "import { createRequire as __pvfCreateRequire } from 'node:module';\nconst require = __pvfCreateRequire(import.meta.url);";

export interface BundleFile {
  /** Path inside the folder, with `/` separators. */
  readonly path: string;
  readonly contents: Uint8Array;
}

const PACKAGE_JSON: BundleFile = {
  path: 'package.json',
  contents: new TextEncoder().encode('{ "type": "module" }\n'),
};
/** Written last: a folder without it is one another process is still filling. */
const COMPLETE = '.complete';
/** Folders of this kind not used for this long belong to no running test. */
const STALE_MS = 60 * 60 * 1000;

const hashOf = (files: readonly BundleFile[]): string => {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1)))
    h.update(`${f.path}\0${f.contents.length}\0`).update(f.contents);
  return h.digest('hex').slice(0, 16);
};

/**
 * The folder `<prefix><hash>` holding exactly `files` (plus the ESM package.json): reused when
 * it exists, else written under a temporary name and renamed into place, so that a reader never
 * sees it half-written and concurrent writers agree. Prunes folders of the same prefix unused
 * for an hour (including those of earlier source versions).
 */
export function contentDir(prefix: string, files: readonly BundleFile[]): string {
  const all = [PACKAGE_JSON, ...files];
  mkdirSync(CACHE_DIR, { recursive: true });
  const dir = join(CACHE_DIR, prefix + hashOf(all));
  pruneStale(prefix, dir);
  if (existsSync(join(dir, COMPLETE))) {
    // Mark it used, so that no other process prunes it while this one runs.
    const now = new Date();
    utimesSync(dir, now, now);
    return dir;
  }
  const tmp = mkdtempSync(join(CACHE_DIR, `${prefix}tmp-`));
  for (const f of all) {
    const out = join(tmp, f.path);
    mkdirSync(dirname(out), { recursive: true, mode: 0o755 });
    writeFileSync(out, f.contents);
    chmodSync(out, 0o644);
  }
  writeFileSync(join(tmp, COMPLETE), '');
  chmodSync(tmp, 0o755);
  try {
    renameSync(tmp, dir);
  } catch (e) {
    // Another process put the same content in place first: use theirs.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, COMPLETE))) throw e;
  }
  return dir;
}

/**
 * Writes one more file into `dir` under a name carrying its own content hash (so a changed
 * script never replaces one a running test uses), atomically; returns its path.
 */
export function addFile(dir: string, name: string, contents: Uint8Array): string {
  const dot = name.lastIndexOf('.');
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  const out = join(dir, `${base}-${hashOf([{ path: name, contents }]).slice(0, 8)}${ext}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  chmodSync(tmp, 0o644);
  renameSync(tmp, out);
  return out;
}

function pruneStale(prefix: string, keep: string): void {
  for (const name of readdirSync(CACHE_DIR)) {
    const path = join(CACHE_DIR, name);
    if (!name.startsWith(prefix) || path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // another process pruned it first
    }
  }
}
