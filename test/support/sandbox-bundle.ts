// Builds the launcher and the self-test batteries with the settings of scripts/build.mjs, in
// the layout of dist/ (launcher.js + sandbox/*.js), plus the sandbox tests' own sealed scripts,
// into a folder of their own (bundle-dir.ts: one per content, shared by every test process on
// the same source, world-readable for the uid 65534 sealed processes run as), so sandbox tests
// run the current source without racing on dist/.
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, type BundleFile, contentDir, REQUIRE_BANNER } from './bundle-dir.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRIES = [
  { in: 'native/launcher.ts', out: 'launcher.js' },
  { in: 'native/self-test/js-attacks.ts', out: 'sandbox/js-attacks.js' },
  { in: 'native/self-test/native-attacks.ts', out: 'sandbox/native-attacks.js' },
  { in: 'native/self-test/isolation-attacks.ts', out: 'sandbox/isolation-attacks.js' },
  // test-only
  { in: 'test/src/sandbox/scripts/unsynced-filter.ts', out: 'test/unsynced-filter.js' },
  { in: 'test/src/sandbox/scripts/as-user.ts', out: 'test/as-user.js' },
  { in: 'test/src/sandbox/scripts/orphan-host.ts', out: 'test/orphan-host.js' },
  { in: 'test/src/sandbox/scripts/containment.ts', out: 'test/containment.js' },
];

export interface SandboxBundle {
  readonly dir: string;
  readonly launcher: string;
  readonly jsAttacks: string;
  readonly nativeAttacks: string;
  readonly isolationAttacks: string;
  readonly orphanHost: string;
  readonly unsyncedFilter: string;
  readonly asUser: string;
  readonly containment: string;
}

let built: Promise<SandboxBundle> | undefined;

/** The bundle of the current source, built once per test process. */
export function sandboxBundle(): Promise<SandboxBundle> {
  built ??= (async () => {
    const files = await Promise.all(
      ENTRIES.map(async (e): Promise<BundleFile> => {
        const out = await build({
          ...BUNDLE_OPTIONS,
          entryPoints: [join(ROOT, e.in)],
          outfile: e.out,
          banner: { js: REQUIRE_BANNER },
        });
        return { path: e.out, contents: out.outputFiles[0]!.contents };
      }),
    );
    const dir = contentDir('pvf-sandbox-', files);
    return {
      dir,
      launcher: join(dir, 'launcher.js'),
      jsAttacks: join(dir, 'sandbox/js-attacks.js'),
      nativeAttacks: join(dir, 'sandbox/native-attacks.js'),
      isolationAttacks: join(dir, 'sandbox/isolation-attacks.js'),
      orphanHost: join(dir, 'test/orphan-host.js'),
      unsyncedFilter: join(dir, 'test/unsynced-filter.js'),
      asUser: join(dir, 'test/as-user.js'),
      containment: join(dir, 'test/containment.js'),
    };
  })();
  return built;
}
