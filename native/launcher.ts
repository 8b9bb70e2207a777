// The launcher: a short-lived Node process that seals itself and then execve()s the real
// program (a worker's Node, or any command for `pvf sandbox run`), so that program starts
// sealed from its first instruction: every thread filtered, no io_uring ring created, and
// koffi never loaded in it.
//
// Usage (by src/sandbox only): node launcher.js '<LaunchConfig JSON>'
//
// The PID, IPC and mount namespaces are made around the launcher by util-linux `unshare
// --pid --fork --ipc --mount` (a new PID namespace needs a fork, which Node cannot do safely),
// so the launcher runs as pid 1 of its namespace and so does the program after execve.
//
// Order, and why:
//   0. cgroups             first, so that everything after (and the program) is bounded and
//                          killable with its cgroup; written while still privileged, and before
//                          the minimal root hides /sys/fs/cgroup. The pid written is the one in
//                          the launcher's own PID namespace (1), which the kernel resolves there;
//                          `unshare` itself stays outside, the launcher and all it starts inside;
//   1. parent watch        remember the parent through the host's /proc, before it is hidden;
//   2. network namespace   needs CAP_SYS_ADMIN, so before the identity drop;
//   3. minimal root        pivot_root into a read-only tmpfs of bind mounts; needs the
//                          capabilities, and reads the bound paths with them, so before the
//                          identity drop: the program's files need no permission for its uid;
//   4. new session         no controlling tty;
//   5. RLIMIT_CORE = 0     a SIGSYS kill must not dump core;
//   6. bounding set        emptied while CAP_SETPCAP is still held;
//   7. identity drop       root -> unprivileged uid/gid; cross-process attacks on the host fail;
//   8. capabilities        none left (what a user namespace's owner still holds);
//   9. parent death        SIGKILL when the parent dies: after 7 and 8, which clear it;
//  10. fd hygiene          close-on-exec on everything but stdio and the kept fds (done before
//                          Landlock because its fallback lists /proc/self/fd);
//  11. Landlock            per thread, which is why it must directly precede execve;
//  12. seccomp (TSYNC)     last, so the steps above may still use what it denies (unshare);
//  13. execve.
// A failure prints one line (`pvf-launcher: <step>: <reason>`) and exits with a distinct code
// from LauncherExit. An optional layer the machine does not offer is skipped and reported to
// the program, like every applied layer, in the PVF_SANDBOX_LAYERS variable.
import { existsSync, writeFileSync, writeSync } from 'node:fs';
import {
  decodeLaunchConfig,
  LAUNCH_REPORT_ENV,
  LauncherExit,
  type LaunchReport,
  type LayerMode,
  type LayerOutcome,
} from './launch-config.js';
import { LayerUnavailableError } from './linux/errors.js';
import { loadLibc, type Libc } from './linux/libc.js';
import { restrictSelf } from './linux/landlock.js';
import { enterMinimalRoot } from './linux/minimal-root.js';
import {
  armParentDeath,
  disableCoreDumps,
  dropBoundingSet,
  dropCapabilities,
  dropIdentity,
  enterNewNetworkNamespace,
  newSession,
  sealFds,
  watchParent,
} from './linux/process.js';
import { installSeccompFilter } from './linux/seccomp.js';

function fail(code: LauncherExit, step: string, err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`pvf-launcher: ${step}: ${message}\n`);
  process.exit(code);
}

/** Runs one layer according to its mode. */
function layer(
  mode: LayerMode,
  step: string,
  code: LauncherExit,
  apply: () => string,
): LayerOutcome {
  if (mode === 'off') return { kind: 'off' };
  try {
    return { kind: 'applied', detail: apply() };
  } catch (err) {
    // Optional means "skip if this machine does not offer it"; a layer that exists but
    // fails to apply (a bad path, a refused call) aborts the launch either way.
    if (mode === 'optional' && err instanceof LayerUnavailableError)
      return { kind: 'skipped', reason: err.message };
    fail(code, step, err);
  }
}

async function main(): Promise<never> {
  let config;
  try {
    config = decodeLaunchConfig(process.argv[2]);
  } catch (err) {
    fail(LauncherExit.BadConfig, 'configuration', err);
  }
  let libc: Libc;
  try {
    libc = await loadLibc();
  } catch (err) {
    fail(LauncherExit.Koffi, 'loading koffi', err);
  }
  const { identity, landlock, seccomp } = config;
  const cgroup = layer(
    config.cgroupProcs.length ? 'required' : 'off',
    'cgroup',
    LauncherExit.Cgroup,
    () => {
      for (const procs of config.cgroupProcs) writeFileSync(procs, String(process.pid));
      return `joined ${config.cgroupProcs.map((p) => p.slice(0, -'/cgroup.procs'.length)).join(', ')}`;
    },
  );
  const watch = watchParent(libc);
  const netns = layer(config.netns, 'network namespace', LauncherExit.Namespace, () => {
    enterNewNetworkNamespace(libc);
    return 'new empty network namespace';
  });
  const root = layer(config.root.mode, 'minimal root', LauncherExit.Root, () => {
    const t0 = performance.now();
    const r = enterMinimalRoot(libc, config.root);
    const ms = (performance.now() - t0).toFixed(1);
    const pid1 = libc.getpid() === 1 ? ', pid 1 of a new PID namespace' : '';
    return `pivot_root into a read-only tmpfs, ${r.bound} bind mounts${r.proc ? ', private /proc' : ''}${pid1} (${ms} ms)`;
  });
  const session = layer('required', 'setsid', LauncherExit.Session, () => {
    newSession(libc);
    return 'new session, no controlling terminal';
  });
  const coreDumps = layer('required', 'RLIMIT_CORE', LauncherExit.CoreDumps, () => {
    disableCoreDumps(libc);
    return 'RLIMIT_CORE=0';
  });
  let bounding = 0;
  if (config.capabilities !== 'off')
    try {
      bounding = dropBoundingSet(libc);
    } catch (err) {
      fail(LauncherExit.Capabilities, 'capability bounding set', err);
    }
  const id = layer(identity.mode, 'identity drop', LauncherExit.Identity, () => {
    dropIdentity(libc, identity.uid, identity.gid);
    return `uid ${identity.uid}, gid ${identity.gid}, no supplementary groups`;
  });
  const capabilities = layer(config.capabilities, 'capabilities', LauncherExit.Capabilities, () => {
    dropCapabilities(libc);
    return `none (${bounding} dropped from the bounding set)`;
  });
  const parentDeath = layer(config.parentDeath, 'parent death', LauncherExit.ParentDeath, () => {
    armParentDeath(libc, watch);
    return 'SIGKILL when the parent dies';
  });
  const fds = layer('required', 'fd hygiene', LauncherExit.Fds, () => {
    sealFds(libc, config.keepFds);
    return `kept fds ${[0, 1, 2, ...config.keepFds].join(',')}`;
  });
  const ll = layer(landlock.mode, 'landlock', LauncherExit.Landlock, () => {
    // In the minimal root /proc/self exists only with a private /proc (refused in some
    // containers); any other missing path is a bad configuration.
    const inRoot = root.kind === 'applied';
    const offered = (p: string) => !inRoot || !p.startsWith('/proc/') || existsSync(p);
    const r = restrictSelf(libc, { ...landlock, readPaths: landlock.readPaths.filter(offered) });
    const extras = [
      r.tcpDenied && 'TCP bind/connect denied',
      r.scoped && 'abstract unix + signal scoped',
    ];
    return [`ABI ${r.abi}`, ...extras.filter(Boolean)].join(', ');
  });
  const sc = layer(seccomp.mode, 'seccomp', LauncherExit.Seccomp, () => {
    installSeccompFilter(libc, seccomp.program, { tsync: true });
    return `${seccomp.program.length} instructions, all threads (TSYNC)`;
  });
  const report: LaunchReport = {
    netns,
    session,
    coreDumps,
    identity: id,
    fds,
    landlock: ll,
    seccomp: sc,
    root,
    capabilities,
    parentDeath,
    cgroup,
  };
  const env = Object.entries({ ...config.exec.env, [LAUNCH_REPORT_ENV]: JSON.stringify(report) });
  libc.execve(
    config.exec.path,
    [...config.exec.argv, null],
    [...env.map(([k, v]) => `${k}=${v}`), null],
  );
  // Past this point every layer is in force, the seccomp filter included. Node's own exit
  // would tear down libuv, whose io_uring rings (created at start-up by libuv ≥ 1.49, Node
  // 22 and 24, whatever UV_USE_IO_URING says) the filter no longer lets it touch: the
  // launcher would die of SIGSYS instead of reporting. So write and leave with exit_group.
  writeSync(2, `pvf-launcher: execve(${config.exec.path}): errno ${libc.errno()}\n`);
  libc.syscall(SYS_EXIT_GROUP, 'int', LauncherExit.Exec);
  fail(LauncherExit.Exec, `execve(${config.exec.path})`, 'exit_group returned');
}

/** exit_group(2) on x86_64, the only architecture the launcher's filter is built for. */
const SYS_EXIT_GROUP = 231;

await main();
