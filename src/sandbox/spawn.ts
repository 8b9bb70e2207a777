// Spawning sealed processes: workers (a Node script) and arbitrary programs (`pvf sandbox run`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
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
  return spawn(plan.command, [...plan.args], { stdio: [...stdio], env: { ...plan.env } });
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
    readPaths: [...nodeRuntimeFiles(), dirname(script), ...(pkg ? [pkg] : []), '/proc/self'],
  };
  return planLaunch(target, keep, resolveSandboxOptions(opts.sandbox));
}

/**
 * Spawns a Node worker script sealed: the launcher applies every available layer (seccomp
 * network filter, Landlock, a new network namespace, an unprivileged uid, a new session,
 * no core dumps, fd hygiene, a cgroup of its own) and then execve()s `node <script> <args...>`. The returned
 * process is the worker itself (same pid from the launcher on).
 *
 * A launch failure shows as an exit with a LauncherExit code and one `pvf-launcher:` line on
 * stderr. Before giving the worker any work, wait for its first message and check it with
 * `verifySealed(child.pid, sealExpectations(opts))`.
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
