// What the host tells the launcher (one JSON argument) and what the launcher tells the
// sealed program (one environment variable). Shared by both sides; pure, no FFI.
//
// The host decides everything (paths, the BPF program, ids); the launcher only applies it,
// so the launcher stays small and the policy is testable without spawning anything.
import type { BpfInstruction } from './linux/bpf.js';

export const LAUNCH_CONFIG_VERSION = 1;

/** `required`: failure aborts the launch. `optional`: failure is reported, the launch goes on. */
export type LayerMode = 'off' | 'optional' | 'required';

export interface LaunchConfig {
  readonly version: typeof LAUNCH_CONFIG_VERSION;
  /** The program that replaces the launcher: absolute path, full argv, complete environment. */
  readonly exec: {
    readonly path: string;
    readonly argv: readonly string[];
    readonly env: Readonly<Record<string, string>>;
  };
  /** fds beyond 0, 1, 2 that survive the execve (the worker's channel). */
  readonly keepFds: readonly number[];
  readonly netns: LayerMode;
  readonly identity: { readonly mode: LayerMode; readonly uid: number; readonly gid: number };
  /** Empty the bounding, ambient, permitted, effective and inheritable capability sets. */
  readonly capabilities: LayerMode;
  /** PR_SET_PDEATHSIG = SIGKILL after the identity drop, with the parent re-checked. */
  readonly parentDeath: LayerMode;
  readonly landlock: {
    readonly mode: LayerMode;
    readonly readPaths: readonly string[];
    readonly readWritePaths: readonly string[];
  };
  readonly seccomp: { readonly mode: LayerMode; readonly program: readonly BpfInstruction[] };
  /** pivot_root into a read-only tmpfs holding only `readPaths` (host paths, symlinks
   *  followed), /dev/null and, with `proc`, a private /proc. Needs a private mount namespace
   *  (made by `unshare --mount` around the launcher); skipped where there is none. */
  readonly root: {
    readonly mode: LayerMode;
    readonly readPaths: readonly string[];
    readonly proc: boolean;
  };
  /** `cgroup.procs` files the launcher writes its own pid to before anything else, so the
   *  program starts inside its cgroups (made by the host, src/sandbox/cgroup.ts). */
  readonly cgroupProcs: readonly string[];
}

export type LayerOutcome =
  | { readonly kind: 'applied'; readonly detail: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'off' };

/** What the launcher applied, handed to the sealed program in {@link LAUNCH_REPORT_ENV}. */
export interface LaunchReport {
  readonly netns: LayerOutcome;
  readonly session: LayerOutcome;
  readonly coreDumps: LayerOutcome;
  readonly identity: LayerOutcome;
  readonly fds: LayerOutcome;
  readonly landlock: LayerOutcome;
  readonly seccomp: LayerOutcome;
  readonly root: LayerOutcome;
  readonly capabilities: LayerOutcome;
  readonly parentDeath: LayerOutcome;
  readonly cgroup: LayerOutcome;
}
export const LAUNCH_REPORT_ENV = 'PVF_SANDBOX_LAYERS';

/** Exit codes of a launch that failed before execve; the launcher also prints one line
 *  starting with `pvf-launcher:` on stderr. Chosen high to stay clear of common exit codes. */
export const LauncherExit = {
  BadConfig: 240,
  Koffi: 241,
  Namespace: 242,
  Session: 243,
  CoreDumps: 244,
  Identity: 245,
  Fds: 246,
  Landlock: 247,
  Seccomp: 248,
  Exec: 249,
  Root: 250,
  Capabilities: 251,
  ParentDeath: 252,
  Cgroup: 253,
} as const;
export type LauncherExit = (typeof LauncherExit)[keyof typeof LauncherExit];

export class LaunchConfigError extends Error {
  override name = 'LaunchConfigError';
}

export const encodeLaunchConfig = (config: LaunchConfig): string => JSON.stringify(config);

/** Parses and checks the launcher's argument; anything unexpected is an error. */
export function decodeLaunchConfig(text: string | undefined): LaunchConfig {
  if (text === undefined) throw new LaunchConfigError('missing configuration argument');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LaunchConfigError('configuration is not JSON');
  }
  const c = obj(raw, 'config');
  if (c.version !== LAUNCH_CONFIG_VERSION)
    throw new LaunchConfigError(`config.version must be ${LAUNCH_CONFIG_VERSION}`);
  const exec = obj(c.exec, 'exec');
  const env = obj(exec.env, 'exec.env');
  for (const [k, v] of Object.entries(env)) str(v, `exec.env.${k}`);
  const identity = obj(c.identity, 'identity');
  const landlock = obj(c.landlock, 'landlock');
  const seccomp = obj(c.seccomp, 'seccomp');
  const root = obj(c.root, 'root');
  const config: LaunchConfig = {
    version: LAUNCH_CONFIG_VERSION,
    exec: {
      path: absolute(exec.path, 'exec.path'),
      argv: list(exec.argv, 'exec.argv', str),
      env: env as Record<string, string>,
    },
    keepFds: list(c.keepFds, 'keepFds', (v, w) => int(v, w, 3, 1 << 20)),
    netns: mode(c.netns, 'netns'),
    capabilities: mode(c.capabilities, 'capabilities'),
    parentDeath: mode(c.parentDeath, 'parentDeath'),
    identity: {
      mode: mode(identity.mode, 'identity.mode'),
      uid: int(identity.uid, 'identity.uid', 0, 0xfffffffe),
      gid: int(identity.gid, 'identity.gid', 0, 0xfffffffe),
    },
    landlock: {
      mode: mode(landlock.mode, 'landlock.mode'),
      readPaths: list(landlock.readPaths, 'landlock.readPaths', absolute),
      readWritePaths: list(landlock.readWritePaths, 'landlock.readWritePaths', absolute),
    },
    seccomp: {
      mode: mode(seccomp.mode, 'seccomp.mode'),
      program: list(seccomp.program, 'seccomp.program', instruction),
    },
    root: {
      mode: mode(root.mode, 'root.mode'),
      readPaths: list(root.readPaths, 'root.readPaths', absolute),
      proc: bool(root.proc, 'root.proc'),
    },
    cgroupProcs:
      c.cgroupProcs === undefined ? [] : list(c.cgroupProcs, 'cgroupProcs', cgroupProcsFile),
  };
  if (config.exec.argv.length === 0) throw new LaunchConfigError('exec.argv is empty');
  return config;
}

type Check<T> = (v: unknown, what: string) => T;

const obj = (v: unknown, what: string): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new LaunchConfigError(`${what} must be an object`);
  return v as Record<string, unknown>;
};
const str: Check<string> = (v, what) => {
  if (typeof v !== 'string' || v.includes('\0'))
    throw new LaunchConfigError(`${what} must be a string without NUL`);
  return v;
};
const absolute: Check<string> = (v, what) => {
  const s = str(v, what);
  if (!s.startsWith('/')) throw new LaunchConfigError(`${what} must be an absolute path`);
  return s;
};
const int = (v: unknown, what: string, min: number, max: number): number => {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max)
    throw new LaunchConfigError(`${what} must be an integer in ${min}..${max}`);
  return v as number;
};
const list = <T>(v: unknown, what: string, each: Check<T>): T[] => {
  if (!Array.isArray(v)) throw new LaunchConfigError(`${what} must be an array`);
  return v.map((x, i) => each(x, `${what}[${i}]`));
};
const bool: Check<boolean> = (v, what) => {
  if (typeof v !== 'boolean') throw new LaunchConfigError(`${what} must be a boolean`);
  return v;
};
const cgroupProcsFile: Check<string> = (v, what) => {
  const s = absolute(v, what);
  if (!s.endsWith('/cgroup.procs') || s.split('/').includes('..'))
    throw new LaunchConfigError(`${what} must be a cgroup.procs file`);
  return s;
};
const mode: Check<LayerMode> = (v, what) => {
  if (v !== 'off' && v !== 'optional' && v !== 'required')
    throw new LaunchConfigError(`${what} must be off, optional or required`);
  return v;
};
const instruction: Check<BpfInstruction> = (v, what) => {
  const i = obj(v, what);
  return {
    code: int(i.code, `${what}.code`, 0, 0xffff),
    jt: int(i.jt, `${what}.jt`, 0, 0xff),
    jf: int(i.jf, `${what}.jf`, 0, 0xff),
    k: int(i.k, `${what}.k`, 0, 0xffffffff),
  };
};
