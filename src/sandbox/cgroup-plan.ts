// The cgroup layer's part in a launch: make the worker's cgroup, add the launcher's join step
// to the plan, tie the cgroup's life to the spawned process, and check membership from outside.
// Self-contained so that it is one entry among the sandbox layers.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { decodeLaunchConfig, encodeLaunchConfig } from '../../native/launch-config.js';
import { CgroupError, createWorkerCgroup, type WorkerCgroup } from './cgroup.js';
import type { LaunchPlan } from './launch-plan.js';
import { SandboxUnavailableError, type SandboxOptions } from './options.js';

const byPid = new Map<number, WorkerCgroup>();
const warned = new Set<string>();

/**
 * The cgroup for one worker launch, or null when disabled or (optional layer) unavailable.
 * @throws SandboxUnavailableError when unavailable and `requireAllLayers` is set.
 */
export function cgroupForLaunch(options: SandboxOptions): WorkerCgroup | null {
  if (options.cgroup === null || process.platform !== 'linux') return null;
  try {
    return createWorkerCgroup(options.cgroup);
  } catch (err) {
    if (!(err instanceof CgroupError)) throw err;
    if (options.requireAllLayers) throw new SandboxUnavailableError(err.message);
    if (!warned.has(err.message)) {
      warned.add(err.message);
      process.stderr.write(`pvf: worker cgroups unavailable, running without: ${err.message}\n`);
    }
    return null;
  }
}

/** The plan with the launcher's join step: its first act is to enter `cg`. */
export function withCgroup(plan: LaunchPlan, cg: WorkerCgroup): LaunchPlan {
  if (plan.config === null) return plan;
  // The configuration is always the launcher's last argument (wrapped by unshare or not).
  const config = { ...decodeLaunchConfig(plan.args.at(-1)), cgroupProcs: cg.procsFiles };
  return { ...plan, config, args: [...plan.args.slice(0, -1), encodeLaunchConfig(config)] };
}

/**
 * Ties `cg` to `child`: a SIGKILL of the child kills its whole cgroup (grandchildren too), and
 * once the child has exited (or failed to spawn) the cgroup is killed and removed, so nothing
 * the worker started keeps its stdio pipes open or outlives it.
 */
export function attachCgroup(child: ChildProcess, cg: WorkerCgroup): void {
  const pid = child.pid;
  if (pid === undefined) {
    void cg.remove();
    return;
  }
  byPid.set(pid, cg);
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number): boolean => {
    if (signal === 'SIGKILL' || signal === 9) cg.kill();
    return kill(signal);
  };
  child.once('exit', () => {
    byPid.delete(pid);
    void cg.remove();
  });
}

/** The cgroup `pid` was launched with: its own, or, for the program of a PID namespace, that
 *  of its parent (the `unshare` process spawned with the cgroup, which itself stays outside). */
function launchedWith(pid: number): WorkerCgroup | undefined {
  const own = byPid.get(pid);
  if (own) return own;
  // PPid as seen from this process's PID namespace (the host pid of `unshare`).
  const ppid = /^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return ppid === undefined ? undefined : byPid.get(Number(ppid));
}

/** Outside check: problems if `pid` (the spawned process, or the program it runs in a PID
 *  namespace) was launched with a cgroup and is not in it.
 *  @throws ENOENT when `pid` is gone (verifySealed reports it as gone). */
export function cgroupProblems(pid: number): string[] {
  return launchedWith(pid)?.check(pid) ?? [];
}

/** The cgroup a spawned worker runs in, if any (for the pool and tests). */
export const workerCgroupOf = (pid: number): WorkerCgroup | undefined => byPid.get(pid);

/** What the status probe found about cgroups: the probe launch's cgroup, or why none. */
export interface CgroupProbe {
  readonly cg: WorkerCgroup | null;
  readonly available: boolean;
  readonly detail: string;
}

/** For `pvf sandbox status`: a cgroup for the probe launch, or why there is none. */
export function probeCgroup(options: SandboxOptions): CgroupProbe {
  if (options.cgroup === null) return { cg: null, available: true, detail: 'disabled' };
  if (process.platform !== 'linux') return { cg: null, available: false, detail: 'not Linux' };
  try {
    const cg = createWorkerCgroup(options.cgroup);
    return { cg, available: true, detail: cg.detail };
  } catch (err) {
    if (!(err instanceof CgroupError)) throw err;
    return {
      cg: null,
      available: false,
      detail:
        `${err.message}; fallback: the seccomp filter still denies fork/clone (no fork bomb, no ` +
        'grandchild) and memfd/SysV shm; page cache and anonymous memory are bounded only by ' +
        "the host's RSS check",
    };
  }
}

/** The status line's detail once the probe ran: membership seen from outside (`problems`
 *  null: the probe did not live to be checked). */
export function cgroupStatusDetail(probe: CgroupProbe, problems: readonly string[] | null): string {
  if (!probe.cg) return probe.detail;
  if (problems === null) return `${probe.detail}; probe did not start`;
  return problems.length ? probe.detail : `${probe.detail}; outside check: in its cgroup`;
}
