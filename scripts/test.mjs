// `npm test`: the whole suite through vitest (arguments pass through: `npm test -- <files>`).
//
// As root, the suite seals processes that drop to uid 65534 and read test bundles, fixtures and
// the package itself from this checkout. A checkout below a private folder (a clone under /root,
// the most common first contact) is out of their reach, and changing the folder's mode is not
// ours to do. So, in that case only, the suite runs in a private mount namespace of its own
// (util-linux `unshare --mount`) in which the checkout, and `../shared` if present, are
// bind-mounted under a fresh world-traversable folder in the system temp directory. Nothing
// outside that namespace sees the mounts; they vanish with it, and the folder is removed after.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** The first folder from `dir` up to `/` that other users cannot pass through, if any. */
function privateAncestor(dir) {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** Runs a command with this process's stdio; returns its exit status (signals as 128 + n). */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== null) return result.status;
  return 128 + ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 }[result.signal] ?? 1);
}

/** Runs vitest from `root` (the checkout, or where it is mounted) with this process's node. */
function vitest(root, args) {
  // A node kept inside the checkout (the Node matrix's) is run from the mounted copy, which
  // sealed test processes can reach too.
  const node = process.execPath.startsWith(ROOT + '/')
    ? join(root, process.execPath.slice(ROOT.length + 1))
    : process.execPath;
  return run(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], {
    cwd: root,
  });
}

/** Inside the private mount namespace: mounts the checkout (and shared) and runs the suite. */
function staged(stage, args) {
  const name = basename(ROOT) === 'shared' ? 'checkout' : basename(ROOT);
  const checkout = join(stage, name);
  const binds = [[ROOT, checkout]];
  const shared = join(dirname(ROOT), 'shared');
  if (existsSync(shared)) binds.push([shared, join(stage, 'shared')]);
  for (const [from, to] of binds) {
    mkdirSync(to);
    const status = run('mount', ['--bind', from, to]);
    if (status !== 0) throw new Error(`mount --bind ${from} ${to} failed (${status})`);
  }
  return vitest(checkout, args);
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--staged') return staged(args[1], args.slice(2));
  const blocked = process.getuid?.() === 0 ? privateAncestor(dirname(ROOT)) : undefined;
  if (blocked === undefined || (statSync(ROOT).mode & 0o001) === 0) return vitest(ROOT, args);
  const stage = mkdtempSync(join(tmpdir(), 'pvf-runtime-test-'));
  try {
    chmodSync(stage, 0o755);
    console.error(
      `pvf-runtime tests: ${blocked} is private, so sealed test processes (uid 65534) see ` +
        `this checkout bind-mounted at ${stage} in a mount namespace of the test run's own`,
    );
    return run('unshare', [
      '--mount',
      '--propagation',
      'private',
      '--',
      process.execPath,
      import.meta.filename,
      '--staged',
      stage,
      ...args,
    ]);
  } finally {
    // Only the empty mount points are left out here: never recurse into what was mounted.
    for (const entry of readdirSync(stage)) rmdirSync(join(stage, entry));
    rmdirSync(stage);
  }
}

process.exitCode = main();
