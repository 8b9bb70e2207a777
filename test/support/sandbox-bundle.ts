// Builds the launcher and the self-test batteries (same esbuild settings as
// scripts/build.mjs, same layout as dist/: launcher.js + sandbox/*.js) into a private folder
// under node_modules/.cache, so sandbox tests run the current source without racing on dist/.
// The folder is inside the package so that `import('koffi')` resolves, carries a
// package.json with "type": "module" (Node stops its package lookup at node_modules), and is
// world-readable because sealed processes run as uid 65534.
import { build } from 'esbuild';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRIES = [
  { in: 'native/launcher.ts', out: 'launcher.js' },
  { in: 'native/self-test/js-attacks.ts', out: 'sandbox/js-attacks.js' },
  { in: 'native/self-test/native-attacks.ts', out: 'sandbox/native-attacks.js' },
  // test-only
  { in: 'test/src/sandbox/scripts/unsynced-filter.ts', out: 'test/unsynced-filter.js' },
  { in: 'test/src/sandbox/scripts/as-user.ts', out: 'test/as-user.js' },
];

export interface SandboxBundle {
  readonly dir: string;
  readonly launcher: string;
  readonly jsAttacks: string;
  readonly nativeAttacks: string;
  readonly unsyncedFilter: string;
  readonly asUser: string;
}

let built: Promise<SandboxBundle> | undefined;

const PREFIX = 'pvf-sandbox-';
const STALE_MS = 60 * 60 * 1000;

/** Removes bundles left by test processes that ended without their exit hook (killed
 *  forks); an hour-old bundle belongs to no running test. */
function pruneStale(cache: string): void {
  for (const name of readdirSync(cache)) {
    if (!name.startsWith(PREFIX)) continue;
    const path = join(cache, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {
      // another process pruned it first
    }
  }
}

/** The bundle, built once per test process. */
export function sandboxBundle(): Promise<SandboxBundle> {
  built ??= (async () => {
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    pruneStale(cache);
    const dir = mkdtempSync(join(cache, PREFIX));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'sandbox'), { mode: 0o755 });
    mkdirSync(join(dir, 'test'), { mode: 0o755 });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n', { mode: 0o644 });
    await Promise.all(
      ENTRIES.map((e) =>
        build({
          entryPoints: [join(ROOT, e.in)],
          outfile: join(dir, e.out),
          bundle: true,
          platform: 'node',
          target: 'node20',
          format: 'esm',
          external: ['koffi'],
          logLevel: 'warning',
        }),
      ),
    );
    return {
      dir,
      launcher: join(dir, 'launcher.js'),
      jsAttacks: join(dir, 'sandbox/js-attacks.js'),
      nativeAttacks: join(dir, 'sandbox/native-attacks.js'),
      unsyncedFilter: join(dir, 'test/unsynced-filter.js'),
      asUser: join(dir, 'test/as-user.js'),
    };
  })();
  return built;
}
