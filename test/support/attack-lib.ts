// The containment tests' native attack library: test/src/sandbox/native/containment.c built
// with the system C compiler into a shared object in a world-readable content folder (the
// sealed processes run as uid 65534 and read it through Landlock's allowRead), plus a small
// program for `sandbox run`. `{ missing }` where there is no `cc`.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { contentDir } from './bundle-dir.js';

const NATIVE = resolve(import.meta.dirname, '../src/sandbox/native');
const SOURCE = join(NATIVE, 'containment.c');

export type AttackLib =
  | { readonly so: string; readonly dir: string; readonly stdinSendto: string }
  | { readonly missing: string };

let built: AttackLib | undefined;

export function attackLib(): AttackLib {
  built ??= (() => {
    const tmp = mkdtempSync(join(tmpdir(), 'pvf-cc-'));
    try {
      const out = join(tmp, 'containment.so');
      try {
        execFileSync('cc', ['-shared', '-fPIC', '-O1', '-Wall', '-o', out, SOURCE], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        execFileSync(
          'cc',
          ['-O1', '-Wall', '-o', `${out}.sendto`, join(NATIVE, 'stdin-sendto.c')],
          {
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
      } catch (err) {
        // Only a missing compiler skips; a compile error is a broken test.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        return { missing: 'no C compiler (cc) on PATH' };
      }
      const dir = contentDir('pvf-attacklib-', [
        { path: 'containment.so', contents: readFileSync(out) },
        { path: 'stdin-sendto', contents: readFileSync(`${out}.sendto`) },
      ]);
      // contentDir writes 0644; the program must be executable.
      chmodSync(join(dir, 'stdin-sendto'), 0o755);
      return {
        so: join(dir, 'containment.so'),
        dir: dirname(join(dir, 'containment.so')),
        stdinSendto: join(dir, 'stdin-sendto'),
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  })();
  return built;
}
