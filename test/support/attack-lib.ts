// The containment tests' native attack library: test/src/sandbox/native/containment.c built
// with the system C compiler into a shared object in a world-readable content folder (the
// sealed processes run as uid 65534 and read it through Landlock's allowRead). Null, with the
// reason, where there is no `cc`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { contentDir } from './bundle-dir.js';

const SOURCE = resolve(import.meta.dirname, '../src/sandbox/native/containment.c');

export type AttackLib =
  { readonly so: string; readonly dir: string } | { readonly missing: string };

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
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
        return {
          missing:
            e.code === 'ENOENT'
              ? 'no C compiler (cc) on PATH'
              : `cc failed: ${e.stderr?.toString() ?? e.message}`,
        };
      }
      const dir = contentDir('pvf-attacklib-', [
        { path: 'containment.so', contents: readFileSync(out) },
      ]);
      return { so: join(dir, 'containment.so'), dir: dirname(join(dir, 'containment.so')) };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  })();
  return built;
}
