// Suite-wide check that no worker cgroup (src/sandbox/cgroup.ts) created by this run is left
// behind: at teardown, every `pvf-runtime.<pid>.<n>` cgroup beneath this process's own
// cgroups that did not exist at setup and whose owner process is gone is a leak (a live
// owner is another concurrent run). Leaks are removed and reported by failing the run.
import { cgroupLayout, CGROUP_PREFIX, sweepStaleCgroups } from '../../src/sandbox/cgroup.js';
import { readdirSync } from 'node:fs';

const bases = (): string[] => {
  const l = cgroupLayout();
  return [l.memory, l.pids, l.v2, l.freezer].flatMap((f) => (f.ok ? [f.base.dir] : []));
};

const ours = (): Set<string> =>
  new Set(
    bases().flatMap((b) => {
      try {
        return readdirSync(b)
          .filter((n) => n.startsWith(CGROUP_PREFIX))
          .map((n) => `${b}/${n}`);
      } catch {
        return [];
      }
    }),
  );

let before = new Set<string>();

export function setup(): void {
  if (process.platform === 'linux') before = ours();
}

export function teardown(): void {
  if (process.platform !== 'linux') return;
  const fresh = new Set([...ours()].filter((d) => !before.has(d)));
  if (fresh.size === 0) return;
  const removed = sweepStaleCgroups().filter((d) => fresh.has(d));
  if (removed.length)
    throw new Error(
      `worker cgroups left behind by this test run (now removed): ${removed.join(', ')}`,
    );
}
