// First contact: the built package runs its example from wherever it and Node live, without
// anyone changing permissions: a copy in a private (0700) folder with Node inside it, as root
// (workers drop to uid 65534, and the minimal root binds their files before the drop), and
// a copy in a 0700 home of an unprivileged user. Control: without the minimal root the
// same worker is refused, because uid 65534 cannot reach the folder.
import { execFile } from 'node:child_process';
import {
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolationRoute } from '../../../src/sandbox/host-support.js';
import { planWorker } from '../../../src/sandbox/spawn.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BUILT = existsSync(join(ROOT, 'dist/cli.js'));
const SETPRIV = '/usr/bin/setpriv';
const isRoot = process.getuid?.() === 0;
const UNPRIVILEGED = 65533;

/** A copy of the package (dist, package.json, node_modules linked) and of Node, in `dir`. */
function install(dir: string): string {
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const node = join(dir, 'node-home', 'bin', 'node');
  mkdirSync(join(dir, 'node-home', 'bin'), { recursive: true });
  try {
    linkSync(realpathSync(process.execPath), node); // same file, now also under a 0700 path
  } catch {
    copyFileSync(realpathSync(process.execPath), node);
  }
  return node;
}

function chownTree(path: string, uid: number): void {
  chownSync(path, uid, uid);
  if (!statSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) {
    const p = join(path, name);
    if (name === 'node_modules') continue; // a link into the checkout
    chownTree(p, uid);
  }
}

const run = (
  file: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((res) => {
    execFile(
      file,
      args,
      { cwd, env: { PATH: '/usr/bin:/bin', ...env }, timeout: 120_000 },
      (err, stdout, stderr) =>
        res({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });

describe.runIf(
  BUILT && process.platform === 'linux' && isRoot && isolationRoute(true).kind === 'unshare',
)('first contact: the example from a private folder', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const privateDir = (prefix: string, base = tmpdir()) => {
    const dir = mkdtempSync(join(base, prefix)); // mode 0700
    dirs.push(dir);
    return dir;
  };

  it('as root: a copy in a 0700 folder, Node inside it, workers as uid 65534', async () => {
    const base = existsSync('/root') ? '/root' : tmpdir();
    const dir = privateDir('pvf-first-contact-', base);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const node = install(dir);
    const r = await run(node, ['dist/cli.js', 'example', 'adder', '--blocks', '20'], dir);
    // Progress lines only, besides the one notice that no cgroup is delegated to this uid.
    const notice = /^pvf: worker cgroups unavailable, running without: .*\n/m;
    expect(r.stderr.replace(notice, '')).not.toMatch(/pvf:|error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/invalid blocks\s+6 \/ 6 rejected/);
    expect(r.stdout).toMatch(/minimal root/);

    // Control: without the minimal root, the uid-65534 worker cannot reach the folder.
    expect(() =>
      planWorker({ script: join(dir, 'dist/worker.js'), sandbox: { namespaces: false } }),
    ).toThrow(/uid 65534.*directory .* is not searchable/);
  });

  it.runIf(existsSync(SETPRIV))('as an unprivileged user: a copy in its 0700 home', async () => {
    const home = privateDir('pvf-home-');
    const node = install(home);
    chownTree(home, UNPRIVILEGED);
    const r = await run(
      SETPRIV,
      [
        `--reuid=${UNPRIVILEGED}`,
        `--regid=${UNPRIVILEGED}`,
        '--clear-groups',
        node,
        'dist/cli.js',
        'example',
        'adder',
        '--blocks',
        '20',
      ],
      home,
      { HOME: home },
    );
    // Progress lines only, besides the one notice that no cgroup is delegated to this uid.
    const notice = /^pvf: worker cgroups unavailable, running without: .*\n/m;
    expect(r.stderr.replace(notice, '')).not.toMatch(/pvf:|error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PID namespace, IPC namespace, minimal root/);
  });
});

// Setting up a private folder for another uid needs root.
if (BUILT && process.platform === 'linux' && !isRoot)
  console.warn('[pvf-runtime tests] first-contact tests need root; skipped.');
