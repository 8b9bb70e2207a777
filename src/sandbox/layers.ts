// The sandbox layers, one entry each: its name, whether the options enable it, whether this
// machine offers it (probe), the launcher step that applies it (its key in the launch
// configuration and report), its outside check from /proc, and its status line. The probe,
// the outside verification and `pvf sandbox status` iterate this table; a new layer is one
// entry here plus its step in the launcher and the launch plan.
import { readFileSync, readlinkSync } from 'node:fs';
import type { LaunchReport, LayerOutcome } from '../../native/launch-config.js';
import { MINIMAL_ROOT_SOURCE } from '../../native/linux/minimal-root-name.js';
import { cgroupProblems, cgroupStatusDetail, type CgroupProbe } from './cgroup-plan.js';
import type { IsolationRoute, NetnsRoute, Support } from './host-support.js';
import type { SandboxOptions } from './options.js';
import type { SealExpectations } from './verify.js';

/** What this machine offers, read once per probe. */
export interface Machine {
  readonly linux: boolean;
  readonly root: boolean;
  readonly uid: number | undefined;
  readonly seccomp: Support;
  /** Landlock ABI, or -errno. */
  readonly landlockAbi: number;
  readonly netns: NetnsRoute;
  readonly isolation: IsolationRoute;
  /** The probe launch's worker cgroup, or why there is none. */
  readonly cgroup: CgroupProbe;
}

/** What one probe launch showed: the launcher's own report and the outside checks' problems
 *  per layer (absent: the probe did not live to be checked). */
export interface Evidence {
  readonly report: LaunchReport | undefined;
  readonly outside: ReadonlyMap<string, readonly string[]> | undefined;
}

/** An outside check: problems found in /proc/<pid> (empty: the mark is there). */
export type OutsideCheck = (pid: number) => string[];

export interface SandboxLayer {
  readonly name: string;
  /** Only the seccomp network filter is required to run untrusted code. */
  readonly required: boolean;
  /** The launcher's step (its key in LaunchReport), if the launcher applies it. */
  readonly step?: keyof LaunchReport;
  enabled(o: SandboxOptions, m: Machine): boolean;
  /** Offered here, or why not. */
  available(m: Machine): Support;
  /** Its mark on a live process, from /proc. */
  readonly outside?: OutsideCheck;
  /** Whether a launch plan's expectations promise this layer (verifySealed then runs
   *  `outside` and refuses the process if the mark is missing). */
  promised?(e: SealExpectations): boolean;
  /** How the layer is described when it is available (the launcher's detail by default). */
  detail?(m: Machine, e: Evidence): string;
}

const ok: Support = { ok: true };
const no = (reason: string): Support => ({ ok: false, reason });
const onLinux = (m: Machine): Support => (m.linux ? ok : no('not Linux'));

const sameNamespace = (pid: number, ns: string): boolean =>
  readlinkSync(`/proc/${pid}/ns/${ns}`) === readlinkSync(`/proc/self/ns/${ns}`);
const NS_NAMES: Record<string, string> = { net: 'network', pid: 'PID', ipc: 'IPC', mnt: 'mount' };
const ownNamespace =
  (ns: string): OutsideCheck =>
  (pid) =>
    sameNamespace(pid, ns) ? [`${NS_NAMES[ns] ?? ns} namespace is the host one`] : [];

/** Own PID namespace, and pid 1 in it (the last NSpid field). */
const pidNamespaceCheck: OutsideCheck = (pid) => {
  const problems = ownNamespace('pid')(pid);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const nspid = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim() ?? '';
  if (nspid.split(/\s+/).at(-1) !== '1') problems.push(`NSpid is ${nspid}, not pid 1 of its own`);
  return problems;
};

/** Mount points that may be writable in the minimal root (a device and a private procfs). */
const WRITABLE_MOUNTS = new Set(['/dev/null', '/proc']);

/**
 * Own mount namespace whose root is the launcher's tmpfs, every mount read-only except
 * /dev/null and /proc. /proc/<pid>/mountinfo lists the mounts of the process's namespace:
 * `id parent major:minor root mountpoint options ... - fstype source superoptions`.
 */
const minimalRootCheck: OutsideCheck = (pid) => {
  const problems = ownNamespace('mnt')(pid);
  const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      const dash = f.indexOf('-');
      return { point: f[4] ?? '', options: f[5] ?? '', type: f[dash + 1], source: f[dash + 2] };
    });
  const root = mounts.find((m) => m.point === '/');
  if (!root || root.type !== 'tmpfs' || root.source !== MINIMAL_ROOT_SOURCE)
    problems.push(
      `root is ${root ? `${root.type} ${root.source}` : 'unknown'}, not the minimal root`,
    );
  for (const m of mounts)
    if (!m.options.split(',').includes('ro') && !WRITABLE_MOUNTS.has(m.point))
      problems.push(`mount ${m.point} is writable`);
  return problems;
};

const isolation = (m: Machine): Support =>
  m.isolation.kind === 'unshare' ? ok : no(m.isolation.reason);
const isolationEnabled = (o: SandboxOptions): boolean => o.namespaces;
const isolationPromised = (e: SealExpectations): boolean => e.isolated === true;

const CGROUP_LAYER = 'worker cgroup';

export const SANDBOX_LAYERS: readonly SandboxLayer[] = [
  {
    name: 'seccomp network filter',
    required: true,
    step: 'seccomp',
    enabled: () => true,
    available: (m) => m.seccomp,
  },
  {
    name: 'Landlock',
    required: false,
    step: 'landlock',
    enabled: (o) => o.landlock,
    available: (m) => (m.landlockAbi > 0 ? ok : no(`unavailable (errno ${-m.landlockAbi})`)),
  },
  {
    name: 'network namespace',
    required: false,
    // Made by the launcher (root) or by `unshare --user --net` around it: judged from outside.
    enabled: (o) => o.networkNamespace,
    available: (m) =>
      m.isolation.kind === 'unshare' && m.isolation.net
        ? ok
        : m.netns.kind === 'unavailable'
          ? no(m.netns.reason)
          : ok,
    outside: ownNamespace('net'),
    promised: (e) => e.newNetworkNamespace === true,
    detail: (m, e) =>
      m.isolation.kind === 'unshare' && m.isolation.net
        ? 'new empty network namespace, via unshare --user --net'
        : m.netns.kind === 'user-namespace'
          ? `via ${m.netns.unshare} --user --net`
          : outcomeText(e.report?.netns),
  },
  {
    name: 'PID namespace',
    required: false,
    enabled: isolationEnabled,
    available: isolation,
    outside: pidNamespaceCheck,
    promised: isolationPromised,
    detail: (m) =>
      `pid 1 of its own: its descendants die with it, no host process visible or signalable${m.isolation.kind === 'unshare' && m.isolation.userNamespace ? ' (in a user namespace)' : ''}`,
  },
  {
    name: 'IPC namespace',
    required: false,
    enabled: isolationEnabled,
    available: isolation,
    outside: ownNamespace('ipc'),
    promised: isolationPromised,
    detail: () => "the host's SysV message queues, shm, semaphores and POSIX mqueues out of reach",
  },
  {
    name: 'minimal root (mount namespace)',
    required: false,
    step: 'root',
    enabled: isolationEnabled,
    available: isolation,
    outside: minimalRootCheck,
    promised: isolationPromised,
  },
  {
    name: 'uid/gid drop',
    required: false,
    step: 'identity',
    enabled: (o, m) => m.root && o.dropIdentity !== null,
    available: (m) =>
      m.root ? ok : no(`not root: sealed processes already run as uid ${m.uid ?? '?'}`),
  },
  {
    name: CGROUP_LAYER,
    required: false,
    step: 'cgroup',
    enabled: (o) => o.cgroup !== null,
    available: (m) => (m.cgroup.available ? ok : no(m.cgroup.detail)),
    // Launched with a cgroup (an optional layer the machine may lack): then it must be in it.
    outside: cgroupProblems,
    promised: () => true,
    detail: (m, e) => cgroupStatusDetail(m.cgroup, e.outside?.get(CGROUP_LAYER) ?? null),
  },
  {
    name: 'no capabilities',
    required: false,
    step: 'capabilities',
    enabled: () => true,
    available: onLinux,
  },
  {
    name: 'dies with its parent',
    required: false,
    step: 'parentDeath',
    enabled: () => true,
    available: onLinux,
  },
  {
    name: 'new session (no tty)',
    required: false,
    step: 'session',
    enabled: () => true,
    available: onLinux,
  },
  {
    name: 'no core dumps',
    required: false,
    step: 'coreDumps',
    enabled: () => true,
    available: onLinux,
  },
  { name: 'fd hygiene', required: false, step: 'fds', enabled: () => true, available: onLinux },
];

export const outcomeText = (o: LayerOutcome | undefined): string =>
  !o ? 'no report' : o.kind === 'applied' ? o.detail : o.kind === 'skipped' ? o.reason : 'disabled';

/** Whether a probe shows the layer applied: the launcher says so (if it applies it), and the
 *  outside check (if it has one) found nothing wrong. */
export function layerApplied(layer: SandboxLayer, e: Evidence): boolean {
  const stepOk = layer.step === undefined || e.report?.[layer.step]?.kind === 'applied';
  const outsideOk = layer.outside === undefined || e.outside?.get(layer.name)?.length === 0;
  return stepOk && outsideOk;
}

/** Runs the outside checks of `layers` on a live process. */
export function checkOutside(
  pid: number,
  layers: readonly SandboxLayer[],
): Map<string, readonly string[]> {
  const found = new Map<string, readonly string[]>();
  for (const l of layers) {
    if (!l.outside) continue;
    try {
      found.set(l.name, l.outside(pid));
    } catch (err) {
      found.set(l.name, [`unreadable: ${(err as Error).message}`]);
    }
  }
  return found;
}
