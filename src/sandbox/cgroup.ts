// A cgroup per sealed worker: a memory ceiling that counts what RSS does not (memfd, SysV and
// POSIX shm, page cache), a task ceiling (fork bombs, thread bombs), and one call that kills
// the worker with everything it started (a detached grandchild included).
//
// Contract:
//   - created only beneath this process's own cgroup, per hierarchy (cgroup-detect.ts), named
//     `pvf-runtime.<host pid>.<n>` so that it is recognisably ours and its owner is known;
//   - the launcher joins the worker to it before the worker runs any code (its first step
//     writes its own pid to every `cgroup.procs` listed in the launch configuration);
//   - removed when the worker exits (spawn.ts) or this process exits, and at the first
//     creation of a process, cgroups left by a dead owner (a crash) are killed and removed;
//     a live owner's never are.
// Polkadot gives each prepare/execute job its own process and relies on rlimits; cgroups are
// what nsjail and systemd use for the same bounds (nsjail --cgroup_mem_max, --cgroup_pids_max).
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import {
  detectCgroups,
  parseProcCgroup,
  type CgroupBase,
  type CgroupLayout,
} from './cgroup-detect.js';

export interface CgroupLimits {
  /** memory.max (v2) or memory.limit_in_bytes (v1): anonymous memory, shm and page cache. */
  readonly memoryBytes: number;
  /** pids.max: processes and threads together (a Node worker runs about 12 threads). */
  readonly pids: number;
}

export interface WorkerCgroup {
  readonly name: string;
  /** Every directory created, one per hierarchy used. */
  readonly dirs: readonly string[];
  /** The launcher's join step: the `cgroup.procs` files it writes its own pid to. */
  readonly procsFiles: readonly string[];
  /** One line for status and logs: what this cgroup bounds and how it kills. */
  readonly detail: string;
  /** SIGKILLs every process in the cgroup (synchronous; the kernel reaps them shortly after). */
  kill(): void;
  /** Kills, waits until the cgroup is empty (up to `timeoutMs`), removes every directory.
   *  Resolves true when all are gone. Idempotent. */
  remove(timeoutMs?: number): Promise<boolean>;
  /** Problems seen from outside: `pid` must be in this cgroup in every hierarchy used. */
  check(pid: number): string[];
}

export class CgroupError extends Error {
  override name = 'CgroupError';
}

export const CGROUP_PREFIX = 'pvf-runtime.';
const OWN_NAME = /^pvf-runtime\.(\d+)\.(\d+)$/;

let counter = 0;
let layoutCache: CgroupLayout | undefined;
const live = new Set<WorkerCgroup>();
let swept = false;

export function cgroupLayout(): CgroupLayout {
  layoutCache ??= detectCgroups();
  return layoutCache;
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const pidsIn = (dir: string): number[] =>
  (read(`${dir}/cgroup.procs`) ?? '').split('\n').filter(Boolean).map(Number);

/** SIGKILLs everything in `dirs` (cgroup.kill where present, else freeze + kill + thaw). */
function killAll(dirs: readonly string[], killFile: string | null, freezer: string | null): void {
  if (killFile) {
    try {
      writeFileSync(killFile, '1');
    } catch {
      // gone already; the loop below covers what is left
    }
  }
  // v1 has no cgroup.kill: freeze first so that nothing forks while we kill (a forking
  // process would otherwise race the loop), then kill every member, then thaw so the
  // kernel can deliver the signals.
  if (freezer) safeWrite(`${freezer}/freezer.state`, 'FROZEN');
  for (let round = 0; round < 50; round++) {
    const pids = [...new Set(dirs.flatMap(pidsIn))];
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    if (!freezer) continue;
    safeWrite(`${freezer}/freezer.state`, 'THAWED');
    break;
  }
  if (freezer) safeWrite(`${freezer}/freezer.state`, 'THAWED');
}

function safeWrite(path: string, text: string): boolean {
  try {
    writeFileSync(path, text);
    return true;
  } catch {
    return false;
  }
}

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Removes what is removable now; true when every dir is gone. */
function rmdirs(dirs: readonly string[]): boolean {
  let all = true;
  for (const d of dirs) {
    try {
      rmdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') all = false;
    }
  }
  return all;
}

/** Kills and removes synchronously (process exit, stale sweep). */
function destroySync(
  dirs: readonly string[],
  killFile: string | null,
  freezer: string | null,
): boolean {
  const end = Date.now() + 1000;
  for (;;) {
    killAll(dirs, killFile, freezer);
    if (rmdirs(dirs)) return true;
    if (Date.now() > end) return false;
    sleepSync(5);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Bases a worker cgroup goes under (distinct directories), and the kill strategy. */
function bases(layout: CgroupLayout): {
  list: CgroupBase[];
  kill: 'cgroup.kill' | 'freezer' | 'loop';
} {
  const list = new Map<string, CgroupBase>();
  for (const f of [layout.memory, layout.pids, layout.v2]) if (f.ok) list.set(f.base.dir, f.base);
  const v2kill = layout.v2.ok && existsSync(`${layout.v2.base.dir}/cgroup.procs`);
  // cgroup.kill exists in non-root v2 cgroups since Linux 5.14; checked on the created child.
  if (v2kill) return { list: [...list.values()], kill: 'cgroup.kill' };
  if (layout.freezer.ok) list.set(layout.freezer.base.dir, layout.freezer.base);
  return { list: [...list.values()], kill: layout.freezer.ok ? 'freezer' : 'loop' };
}

/**
 * Kills and removes cgroups named by this scheme whose owner process is gone (a host that
 * crashed). Live owners' cgroups, other hosts' included, are left alone. Returns the removed.
 */
export function sweepStaleCgroups(layout = cgroupLayout()): string[] {
  const removed: string[] = [];
  const freezer = layout.freezer.ok ? layout.freezer.base.dir : null;
  for (const base of new Set(
    [layout.memory, layout.pids, layout.v2, layout.freezer]
      .filter((f) => f.ok)
      .map((f) => f.base.dir),
  )) {
    let names: string[];
    try {
      names = readdirSync(base);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = OWN_NAME.exec(name);
      if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
      const dir = `${base}/${name}`;
      const killFile = existsSync(`${dir}/cgroup.kill`) ? `${dir}/cgroup.kill` : null;
      const ownFreezer = freezer && base === freezer ? dir : null;
      if (destroySync([dir], killFile, ownFreezer)) removed.push(dir);
    }
  }
  return removed;
}

let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  // Whatever way this process ends normally, no worker cgroup (or worker in it) outlives it.
  process.on('exit', () => {
    for (const cg of live) void cg.remove(0);
  });
}

/**
 * Creates a worker cgroup with `limits` in every hierarchy this process may use.
 * @throws CgroupError when no hierarchy is usable (the reasons are in the message) or a
 *   limit cannot be written (everything created is removed again).
 */
export function createWorkerCgroup(limits: CgroupLimits, layout = cgroupLayout()): WorkerCgroup {
  if (!layout.memory.ok && !layout.pids.ok && !layout.v2.ok)
    throw new CgroupError(
      `no usable cgroup: memory ${layout.memory.ok || layout.memory.reason}; pids ${layout.pids.ok || layout.pids.reason}`,
    );
  if (!swept) {
    swept = true;
    sweepStaleCgroups(layout);
  }
  const name = `${CGROUP_PREFIX}${process.pid}.${counter++}`;
  const { list, kill } = bases(layout);
  const dirs: string[] = [];
  const at = (b: CgroupBase): string => `${b.dir}/${name}`;
  try {
    for (const b of list) {
      mkdirSync(at(b));
      dirs.push(at(b));
    }
    const mem = layout.memory.ok ? at(layout.memory.base) : null;
    if (mem && layout.memory.ok && layout.memory.base.version === 2) {
      writeFileSync(`${mem}/memory.max`, String(limits.memoryBytes));
      // No swap (a worker pushing its memory to swap is still exhausting the machine), and
      // an OOM kill takes the whole group, not one process of it.
      safeWrite(`${mem}/memory.swap.max`, '0');
      safeWrite(`${mem}/memory.oom.group`, '1');
    } else if (mem) {
      writeFileSync(`${mem}/memory.limit_in_bytes`, String(limits.memoryBytes));
      // memory+swap: only where swap accounting is on; must be written after the memory limit.
      if (existsSync(`${mem}/memory.memsw.limit_in_bytes`))
        safeWrite(`${mem}/memory.memsw.limit_in_bytes`, String(limits.memoryBytes));
    }
    if (layout.pids.ok) writeFileSync(`${at(layout.pids.base)}/pids.max`, String(limits.pids));
  } catch (err) {
    rmdirs(dirs);
    throw new CgroupError(`cannot create worker cgroup ${name}: ${(err as Error).message}`);
  }
  const v2dir = layout.v2.ok ? at(layout.v2.base) : null;
  const killFile = v2dir && existsSync(`${v2dir}/cgroup.kill`) ? `${v2dir}/cgroup.kill` : null;
  const freezer = !killFile && layout.freezer.ok ? at(layout.freezer.base) : null;
  const members = list.map((b) => ({
    hierarchy: b.hierarchy,
    path: `${b.path === '/' ? '' : b.path}/${name}`,
  }));
  let removing: Promise<boolean> | undefined;
  let gone = false;
  const cg: WorkerCgroup = {
    name,
    dirs,
    procsFiles: dirs.map((d) => `${d}/cgroup.procs`),
    detail: [
      layout.memory.ok
        ? `memory ${limits.memoryBytes} bytes (v${layout.memory.base.version})`
        : `memory ${layout.memory.reason}`,
      layout.pids.ok
        ? `pids ${limits.pids} (v${layout.pids.base.version})`
        : `pids ${layout.pids.reason}`,
      `kill: ${killFile ? 'cgroup.kill' : freezer ? 'v1 freezer + SIGKILL' : kill === 'loop' ? 'SIGKILL loop over cgroup.procs' : kill}`,
    ].join(', '),
    kill: () => killAll(dirs, killFile, freezer),
    remove: (timeoutMs = 2000) => {
      if (gone) return Promise.resolve(true);
      if (timeoutMs === 0) {
        // Synchronous (process exit): nothing may wait for a timer.
        gone = destroySync(dirs, killFile, freezer);
        if (gone) live.delete(cg);
        return Promise.resolve(gone);
      }
      // One attempt at a time; a failed attempt may be retried later.
      removing ??= (async () => {
        const end = Date.now() + timeoutMs;
        for (;;) {
          killAll(dirs, killFile, freezer);
          if (rmdirs(dirs)) break;
          if (Date.now() > end) return false;
          await new Promise((r) => setTimeout(r, 10));
        }
        gone = true;
        live.delete(cg);
        return true;
      })().finally(() => (removing = undefined));
      return removing;
    },
    check: (pid) => {
      const text = read(`/proc/${pid}/cgroup`);
      if (text === null) return [`/proc/${pid}/cgroup unreadable`];
      const entries = parseProcCgroup(text);
      return members.flatMap(({ hierarchy, path }) => {
        const e = entries.find((x) => `${x.id}:${x.controllers.join(',')}` === hierarchy);
        return e?.path === path
          ? []
          : [`cgroup ${hierarchy} is ${e?.path ?? 'missing'}, not ${path}`];
      });
    },
  };
  live.add(cg);
  hookExit();
  return cg;
}

/** The worker cgroups of this process that are not removed yet (tests check for leaks). */
export const liveCgroups = (): readonly WorkerCgroup[] => [...live];
