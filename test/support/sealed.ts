// Launching scripts sealed in tests, with a way to take layers away for negative controls:
// `mutate` edits the launcher's configuration after the host planned it, which production
// code cannot do (it has no option to drop the seccomp filter where seccomp works).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  decodeLaunchConfig,
  encodeLaunchConfig,
  type LaunchConfig,
} from '../../native/launch-config.js';
import { buildSeccompProgram } from '../../native/linux/bpf.js';
import { workerSeccompProgram, workerSyscallRules } from '../../native/linux/policy.js';
import { SYS, type SyscallName } from '../../native/linux/syscalls.js';
import type { SandboxOptions } from '../../src/sandbox/options.js';
import { runBattery, type BatteryRun } from '../../src/sandbox/self-test/battery.js';
import { planWorker, trackPlanChild, type SealedStdio } from '../../src/sandbox/spawn.js';
import type { SealExpectations } from '../../src/sandbox/verify.js';
import { sandboxBundle } from './sandbox-bundle.js';

export const SCRIPTS = join(import.meta.dirname, '..', 'src', 'sandbox', 'scripts');

export interface LaunchOptions {
  readonly sandbox?: Partial<SandboxOptions>;
  readonly mutate?: (config: LaunchConfig) => LaunchConfig;
  readonly stdio?: readonly SealedStdio[];
  /** Node flags before the script (`node <flags> <script>`). */
  readonly nodeFlags?: readonly string[];
  /** Runs while the process is alive, after its report line. */
  readonly whileAlive?: (pid: number, expect: SealExpectations) => unknown;
}

/** Runs `script args...` through the test launcher and collects its report. */
export async function runSealed(
  script: string,
  args: readonly string[],
  opts: LaunchOptions = {},
): Promise<BatteryRun> {
  const { launcher } = await sandboxBundle();
  const stdio = opts.stdio ?? ['pipe', 'pipe', 'pipe'];
  const nodeFlags = opts.nodeFlags ?? [];
  const planWith = (extra: object) =>
    planWorker({
      script,
      args,
      stdio,
      nodeFlags,
      // A negative control takes one launcher layer away; the PID/IPC/mount namespaces around
      // the launcher would hide what that layer lets through, so they are off unless asked for.
      sandbox: {
        launcher,
        ...(opts.mutate ? { namespaces: false } : {}),
        ...extra,
        ...opts.sandbox,
      },
    });
  let plan = planWith({});
  // A control that removes the network namespace removes it whichever route applies it: the
  // launcher's (root) or the `unshare --user --net` wrapper around it (an unprivileged host).
  if (opts.mutate) {
    const probe = { ...decodeLaunchConfig(plan.args.at(-1)), netns: 'optional' as const };
    if (opts.mutate(probe).netns === 'off') plan = planWith({ networkNamespace: false });
  }
  const args2 = [...plan.args];
  if (opts.mutate) {
    const config = opts.mutate(decodeLaunchConfig(args2.at(-1)));
    args2[args2.length - 1] = encodeLaunchConfig(config);
  }
  const child = trackPlanChild(
    plan,
    spawn(plan.command, args2, { stdio: [...stdio], env: { ...plan.env } }),
  );
  return runBattery(
    child,
    (pid) => opts.whileAlive?.(pid, { ...plan.expect, script, nodeFlags }),
    30_000,
  );
}

/** Config edits for negative controls. */
export const without = {
  seccomp: (c: LaunchConfig): LaunchConfig => ({ ...c, seccomp: { ...c.seccomp, mode: 'off' } }),
  landlock: (c: LaunchConfig): LaunchConfig => ({ ...c, landlock: { ...c.landlock, mode: 'off' } }),
  netns: (c: LaunchConfig): LaunchConfig => ({ ...c, netns: 'off' }),
  identity: (c: LaunchConfig): LaunchConfig => ({ ...c, identity: { ...c.identity, mode: 'off' } }),
  /** Root keeps its capabilities (only meaningful with `identity` removed too). */
  capabilities: (c: LaunchConfig): LaunchConfig => ({ ...c, capabilities: 'off' }),
  root: (c: LaunchConfig): LaunchConfig => ({ ...c, root: { ...c.root, mode: 'off' } }),
  parentDeath: (c: LaunchConfig): LaunchConfig => ({ ...c, parentDeath: 'off' }),
  /** The worker filter minus its no-new-processes rule (what `pvf sandbox run` gets). */
  newProcessRule: (c: LaunchConfig): LaunchConfig => ({
    ...c,
    seccomp: { ...c.seccomp, program: workerSeccompProgram('errno', { newProcesses: true }) },
  }),
  /** The same rules without the arch and x32 checks. */
  archCheck: (c: LaunchConfig): LaunchConfig => ({
    ...c,
    seccomp: {
      ...c.seccomp,
      program: buildSeccompProgram({
        rules: workerSyscallRules('errno'),
        badArch: { kind: 'kill-process' },
        archCheck: false,
      }),
    },
  }),
  /** Only Polkadot's network list (socket, socketpair, connect, io_uring): no hardening. */
  hardening: (c: LaunchConfig): LaunchConfig => ({
    ...c,
    seccomp: {
      ...c.seccomp,
      program: buildSeccompProgram({
        rules: workerSyscallRules('errno').filter((r) =>
          [41, 42, 53, 425, 426, 427].includes(r.nr),
        ),
        badArch: { kind: 'kill-process' },
        archCheck: true,
      }),
    },
  }),
};

/** The worker filter without its rules for `names` (what the filter would also stop), so that
 *  another layer is the one under test. */
export const filterWithout =
  (names: readonly SyscallName[]) =>
  (c: LaunchConfig): LaunchConfig => {
    const drop = new Set<number>(names.map((n) => SYS[n]));
    return {
      ...c,
      seccomp: {
        ...c.seccomp,
        program: buildSeccompProgram({
          rules: workerSyscallRules('errno').filter((r) => !drop.has(r.nr)),
          badArch: { kind: 'kill-process' },
          archCheck: true,
        }),
      },
    };
  };

/** SysV IPC: the filter denies it all, the IPC namespace hides the host's objects. */
export const SYSV_IPC = [
  'shmget',
  'shmat',
  'shmctl',
  'shmdt',
  'semget',
  'semop',
  'semctl',
  'semtimedop',
  'msgget',
  'msgsnd',
  'msgrcv',
  'msgctl',
] as const satisfies readonly SyscallName[];

/** Applies several edits. */
export const minus =
  (...edits: ((c: LaunchConfig) => LaunchConfig)[]) =>
  (c: LaunchConfig): LaunchConfig =>
    edits.reduce((acc, e) => e(acc), c);

/** Parsed report of a battery or report.mjs run. */
export const reportOf = <T>(run: BatteryRun): T => {
  if (run.report === null)
    throw new Error(`no report (code ${run.code}, signal ${run.signal}): ${run.stderr}`);
  return run.report as T;
};

/**
 * Waits until `check()` holds (polling), for evidence still in flight to this process's
 * listeners; returns whether it did. Blocked attempts never send anything, so a check for
 * "nothing arrived" only needs the short grace period of `settle()`.
 */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** A short pause so that anything an attacker did send would have arrived. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100));
