// Spawning sealed processes: workers (a Node script) and arbitrary programs (`pvf sandbox run`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute } from 'node:path';
import { attachCgroup, cgroupForLaunch, withCgroup } from './cgroup-plan.js';
import { nearestPackageJson } from './program-files.js';
import { nodeRuntimeFiles, planLaunch, type LaunchPlan, type SealedTarget } from './launch-plan.js';
import { resolveSandboxOptions, SandboxOptionsError, type SandboxOptions } from './options.js';
import type { SealExpectations } from './verify.js';

/** One stdio slot: a pipe made by Node, nothing, the parent's same fd, or a given fd.
 *  'ipc' is refused: an IPC channel can carry sockets and other handles into the sandbox. */
export type SealedStdio = 'pipe' | 'ignore' | 'inherit' | number;

export interface SealedSpawnOptions {
  /** Absolute path of the worker's entry script, run by this Node binary. Readable in the
   *  sandbox: the script's directory and the nearest package.json. */
  readonly script: string;
  readonly args?: readonly string[];
  /** V8/Node flags placed before the script (`node <flags> <script> <args>`), each of the form
   *  `--name` or `--name=value`. Fixed at exec: a flag like `--single-threaded-gc` cannot be
   *  set at run time. */
  readonly nodeFlags?: readonly string[];
  /** Slots 0, 1, 2 and the worker's extra channel fds (3, 4, ...), as for
   *  child_process.spawn. Every slot that is not 'ignore' stays open across the launcher's
   *  execve; all other fds are closed. Default: ['pipe', 'pipe', 'pipe']. */
  readonly stdio?: readonly SealedStdio[];
  /** Extra environment for the worker. The worker's environment is otherwise only
   *  UV_USE_IO_URING=0 and PVF_SANDBOX_LAYERS (the launcher's report); NODE_*, LD_* and
   *  UV_* names are refused. */
  readonly env?: Readonly<Record<string, string>>;
  /** Layer options; see DEFAULT_SANDBOX_OPTIONS. */
  readonly sandbox?: Partial<SandboxOptions>;
}

const warned = new Set<string>();

/** Children started in their own PID namespace: the program runs in a child of theirs. */
const isolatedChildren = new WeakSet<ChildProcess>();

/**
 * The host pid of the process that runs the sealed program: `child.pid` itself, or, when the
 * plan isolates it in a PID namespace, the one child of `child` (util-linux `unshare --fork`
 * forks the launcher, which then execs the program; it is pid 1 inside). Use it for /proc
 * checks and CPU accounting; signal `child` itself (killing it kills the program: parent-death
 * signal, then the PID namespace takes every descendant). undefined until the fork happened
 * or after the program is gone.
 */
export function sealedPid(child: ChildProcess): number | undefined {
  if (child.pid === undefined || !isolatedChildren.has(child)) return child.pid;
  try {
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8');
    const first = children.trim().split(' ')[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function checkStdio(stdio: readonly SealedStdio[]): number[] {
  if (stdio.length < 3) throw new SandboxOptionsError('stdio needs at least 3 slots');
  const keep: number[] = [];
  stdio.forEach((s, i) => {
    const ok =
      s === 'pipe' ||
      s === 'ignore' ||
      s === 'inherit' ||
      (Number.isInteger(s) && (s as number) >= 0);
    if (!ok)
      throw new SandboxOptionsError(
        `stdio[${i}] must be 'pipe', 'ignore', 'inherit' or an fd; 'ipc' is refused`,
      );
    if (i >= 3 && s !== 'ignore') keep.push(i);
  });
  return keep;
}

function checkEnv(env: Readonly<Record<string, string>>): void {
  for (const [k, v] of Object.entries(env)) {
    if (/^(NODE_|LD_|UV_)/.test(k) || k.includes('=') || k === '')
      throw new SandboxOptionsError(`env name ${JSON.stringify(k)} is refused for sealed workers`);
    if (typeof v !== 'string' || v.includes('\0'))
      throw new SandboxOptionsError(`env ${k} must be a string without NUL`);
  }
}

/** Starts a plan's process and logs an insecure launch loudly. */
export function startPlan(plan: LaunchPlan, stdio: readonly SealedStdio[]): ChildProcess {
  if (plan.insecure !== null && !warned.has(plan.insecure)) {
    warned.add(plan.insecure);
    process.stderr.write(
      `pvf: WARNING: running untrusted code WITHOUT the seccomp network filter (insecure opt-out): ${plan.insecure}\n`,
    );
  }
  return trackPlanChild(
    plan,
    spawn(plan.command, [...plan.args], { stdio: [...stdio], env: { ...plan.env } }),
  );
}

/**
 * SIGKILLs the sealed program: the process running it when known (in a PID namespace that
 * takes every descendant with it, and `unshare` reaps it before exiting, so no zombie is
 * left once `child` closes), else `child` itself (the parent-death signal then follows).
 */
export function killSealed(child: ChildProcess): void {
  const pid = sealedPid(child);
  if (pid !== undefined && pid !== child.pid) {
    try {
      process.kill(pid, 'SIGKILL');
      return;
    } catch {
      // gone already, or not yet forked: kill the wrapper
    }
  }
  child.kill('SIGKILL');
}

/** util-linux 2.38 `unshare --fork` cannot re-raise SIGKILL (it tries to unblock it and
 *  exits 1 with this line on stderr); every other signal it re-raises on itself. */
const UNSHARE_LOST_SIGKILL = /unshare: sigprocmask unblock failed/;

/**
 * How the sealed program ended, from the exit of `child` and the tail of its stderr: the
 * program's own status, with a SIGKILL that the `unshare` wrapper reports as exit 1 mapped
 * back to the signal.
 */
export function sealedExit(
  child: ChildProcess,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderrTail: string,
): { code: number | null; signal: NodeJS.Signals | null } {
  if (isolatedChildren.has(child) && code === 1 && UNSHARE_LOST_SIGKILL.test(stderrTail))
    return { code: null, signal: 'SIGKILL' };
  return { code, signal };
}

/** Records that `child` was started from `plan` (for sealedPid); returns it. */
export function trackPlanChild(plan: LaunchPlan, child: ChildProcess): ChildProcess {
  if (plan.expect.isolated) isolatedChildren.add(child);
  return child;
}

/** The plan for a worker script (exported for tests and for the host's expectations). */
export function planWorker(opts: SealedSpawnOptions): LaunchPlan {
  if (!isAbsolute(opts.script)) throw new SandboxOptionsError('script must be an absolute path');
  const keep = checkStdio(opts.stdio ?? ['pipe', 'pipe', 'pipe']);
  checkEnv(opts.env ?? {});
  if (!existsSync(opts.script))
    throw new SandboxOptionsError(`script ${opts.script} does not exist`);
  const nodeFlags = opts.nodeFlags ?? [];
  for (const f of nodeFlags)
    if (!/^--[a-z0-9][a-z0-9-]*(=[\w.,-]+)?$/.test(f))
      throw new SandboxOptionsError(
        `node flag ${JSON.stringify(f)} is not of the form --name[=value]`,
      );
  const script = realpathSync(opts.script);
  const pkg = nearestPackageJson(script);
  const target: SealedTarget = {
    path: process.execPath,
    argv: [process.execPath, ...nodeFlags, opts.script, ...(opts.args ?? [])],
    // libuv reads UV_USE_IO_URING once at startup; 0 also keeps SQPOLL rings off on Node 22.
    env: { ...opts.env, UV_USE_IO_URING: '0' },
    // opts.script as named too: argv names it, and the minimal root must offer that name.
    readPaths: [
      ...nodeRuntimeFiles(),
      dirname(script),
      ...(script !== opts.script ? [opts.script] : []),
      ...(pkg ? [pkg] : []),
      '/proc/self',
    ],
  };
  return planLaunch(target, keep, resolveSandboxOptions(opts.sandbox));
}

/**
 * Spawns a Node worker script sealed: the launcher applies every available layer (seccomp
 * network filter, Landlock, a new network namespace, an unprivileged uid, a new session,
 * no core dumps, fd hygiene, a cgroup of its own; own PID, IPC and mount namespaces with a
 * minimal root where the machine allows) and then execve()s `node <script> <args...>`. The
 * returned process is the worker itself, or, when it is isolated in a PID namespace, the
 * `unshare` process whose one child is the worker: `sealedPid(child)` is the worker's pid in
 * both cases. The cgroup is the launcher's (it joins before the PID namespace's root is
 * replaced), so the worker and all it starts are in it while `unshare` is not; it is killed
 * and removed once `child` has exited.
 *
 * A launch failure shows as an exit with a LauncherExit code and one `pvf-launcher:` line on
 * stderr. Before giving the worker any work, wait for its first message and check it with
 * `verifySealed(sealedPid(child), sealExpectations(opts))`.
 *
 * @throws SandboxUnavailableError when seccomp is unavailable and insecureNoSandbox is not
 *   set, or a layer is missing and requireAllLayers is set.
 * @throws SandboxOptionsError on bad options.
 */
export function spawnSealed(opts: SealedSpawnOptions): ChildProcess {
  const plan = planWorker(opts);
  const cg = plan.config ? cgroupForLaunch(resolveSandboxOptions(opts.sandbox)) : null;
  if (!cg) return startPlan(plan, opts.stdio ?? ['pipe', 'pipe', 'pipe']);
  let child: ChildProcess;
  try {
    child = startPlan(withCgroup(plan, cg), opts.stdio ?? ['pipe', 'pipe', 'pipe']);
  } catch (err) {
    void cg.remove();
    throw err;
  }
  attachCgroup(child, cg);
  return child;
}

/** What the worker spawned with `opts` must look like from outside (for verifySealed). */
export function sealExpectations(opts: SealedSpawnOptions): SealExpectations {
  return { ...planWorker(opts).expect, script: opts.script, nodeFlags: opts.nodeFlags ?? [] };
}
