// Sandbox options: one interface, one defaults constant, validated once. The CLI maps its
// flags onto the same type.
import type { NetworkDenyAction } from '../../native/linux/policy.js';
import type { CgroupLimits } from './cgroup.js';

export interface SandboxOptions {
  /**
   * What a denied network system call does. `errno` (default): it fails with EACCES and the
   * worker lives on. `kill`: the kernel kills the worker with SIGSYS, as Polkadot does in
   * production (polkadot-sdk .../worker/security/seccomp.rs, CAUGHT_ACTION = KillProcess);
   * the host must then classify the death.
   */
  readonly network: NetworkDenyAction;
  /** Restrict the filesystem with Landlock (read-only: the program, its libraries, its
   *  script directory and `allowRead`; read-write: /dev/null) where the kernel offers it. */
  readonly landlock: boolean;
  /** A new, empty network namespace: made by the launcher when running as root, otherwise
   *  through an unprivileged user namespace (util-linux `unshare`) when the machine allows. */
  readonly networkNamespace: boolean;
  /** Own PID, IPC and mount namespaces, and a minimal root: the sealed process is pid 1 of
   *  its namespace (it and every descendant die together; no host process is visible or
   *  signalable), the host's SysV/POSIX IPC objects are out of reach, and its filesystem is
   *  a read-only tmpfs holding only what it needs. Made with util-linux `unshare` (with a
   *  user namespace when not root) where the machine allows it. */
  readonly namespaces: boolean;
  /** When the host runs as root, the uid/gid sealed processes drop to (default 65534,
   *  "nobody"); `null` keeps root (not recommended: the other layers then carry it alone).
   *  The program, its script and every `allowRead` path must be readable by this uid. */
  readonly dropIdentity: { readonly uid: number; readonly gid: number } | null;
  /** Extra read-only paths (files or directories) for sealed processes. */
  readonly allowRead: readonly string[];
  /** Refuse to launch when any enabled layer is unavailable (otherwise only seccomp's
   *  absence is fatal, and missing optional layers are reported). */
  readonly requireAllLayers: boolean;
  /** Run even where the seccomp network filter is unavailable (non-Linux, not x86_64,
   *  seccomp disabled). Every launch is then logged as insecure on stderr. */
  readonly insecureNoSandbox: boolean;
  /** The launcher bundle (`dist/launcher.js`); `null` finds it beside this package's bundle. */
  readonly launcher: string | null;
  /** Limits of the cgroup each sealed worker gets (src/sandbox/cgroup.ts) where this process
   *  may create cgroups; `null`: no cgroup. The memory ceiling counts memfd, shm and page
   *  cache, so it sits above the host's RSS limit (workerMemoryLimitBytes, 2 GiB). */
  readonly cgroup: CgroupLimits | null;
}

export const DEFAULT_SANDBOX_OPTIONS: SandboxOptions = {
  network: 'errno',
  landlock: true,
  networkNamespace: true,
  namespaces: true,
  dropIdentity: { uid: 65534, gid: 65534 },
  allowRead: [],
  requireAllLayers: false,
  insecureNoSandbox: false,
  launcher: null,
  cgroup: { memoryBytes: 2.5 * 1024 ** 3, pids: 512 },
};

/** Wrong sandbox options (names the option). */
export class SandboxOptionsError extends Error {
  override name = 'SandboxOptionsError';
}

/** The sandbox cannot seal processes here and the insecure opt-out was not given, or a
 *  layer is missing while `requireAllLayers` is set. */
export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
}

/** Applies the defaults and checks every field. @throws SandboxOptionsError */
export function resolveSandboxOptions(partial: Partial<SandboxOptions> = {}): SandboxOptions {
  const o = { ...DEFAULT_SANDBOX_OPTIONS, ...partial };
  if (o.network !== 'errno' && o.network !== 'kill')
    throw new SandboxOptionsError(
      `sandbox.network must be 'errno' or 'kill', got ${String(o.network)}`,
    );
  for (const key of [
    'landlock',
    'networkNamespace',
    'namespaces',
    'requireAllLayers',
    'insecureNoSandbox',
  ] as const)
    if (typeof o[key] !== 'boolean')
      throw new SandboxOptionsError(`sandbox.${key} must be a boolean`);
  if (o.dropIdentity !== null) {
    const { uid, gid } = o.dropIdentity;
    for (const [name, v] of [
      ['uid', uid],
      ['gid', gid],
    ] as const)
      if (!Number.isInteger(v) || v < 1 || v > 0xfffffffe)
        throw new SandboxOptionsError(
          `sandbox.dropIdentity.${name} must be an integer in 1..4294967294`,
        );
  }
  if (!Array.isArray(o.allowRead) || o.allowRead.some((p) => typeof p !== 'string' || p === ''))
    throw new SandboxOptionsError('sandbox.allowRead must be a list of paths');
  if (o.cgroup !== null) {
    const { memoryBytes, pids } = o.cgroup ?? {};
    if (!Number.isInteger(memoryBytes) || memoryBytes! < 16 * 1024 ** 2)
      throw new SandboxOptionsError('sandbox.cgroup.memoryBytes must be an integer >= 16 MiB');
    if (!Number.isInteger(pids) || pids! < 1)
      throw new SandboxOptionsError('sandbox.cgroup.pids must be a positive integer');
  }
  if (o.launcher !== null && typeof o.launcher !== 'string')
    throw new SandboxOptionsError('sandbox.launcher must be a path or null');
  return o;
}
