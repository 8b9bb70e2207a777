// Process-level layers the launcher applies before execve: a new network namespace, a new
// session, no core dumps, an unprivileged identity, no capabilities, death with the parent,
// and fd hygiene.
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { LayerUnavailableError, SyscallError } from './errors.js';
import type { Libc } from './libc.js';
import { CLONE_NEWNET, ERRNO, SYS } from './syscalls.js';

const RLIMIT_CORE = 4;
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const CLOSE_RANGE_CLOEXEC = 1 << 2;
// <linux/prctl.h>, <linux/capability.h>
const PR_SET_PDEATHSIG = 1;
const PR_CAPBSET_DROP = 24;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_CLEAR_ALL = 4;
const LINUX_CAPABILITY_VERSION_3 = 0x20080522;
const SIGKILL = 9;

/**
 * Moves the calling thread into a new, empty network namespace (only `lo`, down). In a
 * multithreaded process only the calling thread moves; the execve that follows makes it the
 * whole process. Needs CAP_SYS_ADMIN (root, not in a default Docker profile).
 */
export function enterNewNetworkNamespace(libc: Libc): void {
  if (libc.unshare(CLONE_NEWNET) === 0) return;
  const errno = libc.errno();
  // EPERM: no CAP_SYS_ADMIN (or refused by a container's seccomp profile); EINVAL: no
  // CONFIG_NET_NS; ENOSPC: namespace limit reached. All mean "not offered here".
  if (errno === ERRNO.EPERM || errno === ERRNO.EINVAL || errno === 28)
    throw new LayerUnavailableError(`unshare(CLONE_NEWNET) refused (errno ${errno})`);
  throw new SyscallError('unshare(CLONE_NEWNET)', errno);
}

/** Starts a new session: no controlling terminal, so no TIOCSTI into the caller's tty. */
export function newSession(libc: Libc): void {
  if (libc.setsid() >= 0) return;
  const errno = libc.errno();
  // EPERM means we already lead a process group; fine if we also lead our session.
  if (errno === ERRNO.EPERM && libc.getsid(0) === libc.getpid()) return;
  throw new SyscallError('setsid', errno);
}

/** RLIMIT_CORE = 0: a process killed by SIGSYS would otherwise dump core. */
export function disableCoreDumps(libc: Libc): void {
  if (libc.setrlimit(RLIMIT_CORE, { rlim_cur: 0n, rlim_max: 0n }) !== 0)
    throw new SyscallError('setrlimit(RLIMIT_CORE, 0)', libc.errno());
}

/**
 * Drops to `uid`/`gid` with no supplementary groups, for good (real, effective and saved ids:
 * setuid as root sets all three). glibc applies each call to every thread. Checked afterwards.
 */
export function dropIdentity(libc: Libc, uid: number, gid: number): void {
  if (libc.setgroups(0, null) !== 0) throw new SyscallError('setgroups([])', libc.errno());
  if (libc.setgid(gid) !== 0) throw new SyscallError(`setgid(${gid})`, libc.errno());
  if (libc.setuid(uid) !== 0) throw new SyscallError(`setuid(${uid})`, libc.errno());
  if (libc.getuid() !== uid || libc.getgid() !== gid)
    throw new SyscallError(`identity check (uid ${libc.getuid()}, gid ${libc.getgid()})`, 0);
  if (uid !== 0 && libc.setuid(0) === 0)
    throw new SyscallError('setuid(0) succeeded after the drop', 0);
}

/**
 * Marks every fd >= 3 close-on-exec, then clears the flag on 0, 1, 2 and `keep`: after execve
 * exactly those remain. Clearing matters for stdio too: Node marks fds 0..16 close-on-exec at
 * startup, so without it the worker would start with stdio closed (sandbox.md §5).
 */
export function sealFds(libc: Libc, keep: readonly number[]): void {
  const rc = libc.syscall(
    SYS.close_range,
    'unsigned int',
    3,
    'unsigned int',
    0xffffffff,
    'unsigned int',
    CLOSE_RANGE_CLOEXEC,
  );
  if (rc !== 0) {
    // Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: flag each open fd instead.
    for (const name of readdirSync('/proc/self/fd')) {
      const fd = Number(name);
      if (
        fd >= 3 &&
        libc.fcntl(fd, F_SETFD, 'int', FD_CLOEXEC) !== 0 &&
        libc.errno() !== ERRNO.EBADF
      )
        throw new SyscallError(`fcntl(${fd}, F_SETFD, FD_CLOEXEC)`, libc.errno());
    }
  }
  for (const fd of new Set([0, 1, 2, ...keep])) {
    if (libc.fcntl(fd, F_GETFD) < 0)
      throw new SyscallError(`fd ${fd} to keep is not open`, libc.errno());
    if (libc.fcntl(fd, F_SETFD, 'int', 0) !== 0)
      throw new SyscallError(`fcntl(${fd}, F_SETFD, 0)`, libc.errno());
  }
}

/**
 * Empties the capability bounding set, so no later execve can regain a capability. Needs
 * CAP_SETPCAP, so it runs before the identity drop. Returns how many were dropped.
 */
export function dropBoundingSet(libc: Libc): number {
  let dropped = 0;
  for (let cap = 0; cap < 64; cap++) {
    if (libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) === 0) dropped++;
    else if (libc.errno() === ERRNO.EINVAL)
      break; // past the kernel's last capability
    // No CAP_SETPCAP: an unprivileged launcher without a user namespace holds no capability
    // to lose, and no_new_privs makes execve ignore file capabilities, so nothing can be
    // regained through the bounding set either.
    else if (libc.errno() === ERRNO.EPERM && cap === 0) return 0;
    else throw new SyscallError(`prctl(PR_CAPBSET_DROP, ${cap})`, libc.errno());
  }
  return dropped;
}

/**
 * Drops the ambient, permitted, effective and inheritable sets. What matters in a user
 * namespace, where the launcher holds the namespace owner's capabilities (util-linux `unshare
 * --keep-caps`) to build the minimal root and no uid change would clear them; as root, the
 * uid drop already cleared them and this checks it. Verified with capget afterwards.
 */
export function dropCapabilities(libc: Libc): void {
  if (libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) !== 0)
    throw new SyscallError('prctl(PR_CAP_AMBIENT_CLEAR_ALL)', libc.errno());
  const header = Buffer.alloc(8);
  header.writeUInt32LE(LINUX_CAPABILITY_VERSION_3, 0);
  const data = Buffer.alloc(24); // two struct __user_cap_data_struct, all zero
  if (libc.syscall(SYS.capset, 'void *', header, 'void *', data) !== 0)
    throw new SyscallError('capset(none)', libc.errno());
  const check = Buffer.alloc(24, 0xff);
  if (libc.syscall(SYS.capget, 'void *', header, 'void *', check) !== 0)
    throw new SyscallError('capget', libc.errno());
  if (!check.equals(data)) throw new SyscallError('capabilities still held after capset', 0);
}

/** The parent as seen when the launcher started, and a way to look again later. */
export interface ParentWatch {
  readonly ppid: number;
  /** /proc/self/stat of the host's /proc, opened before the minimal root hides it; -1 if
   *  unavailable (getppid() is used then). */
  readonly fd: number;
}

/** Field 4 of /proc/<pid>/stat (after the `(comm)`, which may hold spaces and parens). */
function statPpid(fd: number): number {
  const buf = Buffer.alloc(512);
  const text = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('latin1');
  return Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
}

/**
 * Remembers the parent. In a new PID namespace the launcher is pid 1 and getppid() is 0
 * whatever happens to its parent (which lives outside), so the parent is read from the
 * host's /proc, which shows pids of the host's namespace, through an fd kept open across
 * the pivot into the minimal root.
 */
export function watchParent(libc: Libc): ParentWatch {
  try {
    const fd = openSync('/proc/self/stat', 'r');
    return { fd, ppid: statPpid(fd) };
  } catch {
    return { fd: -1, ppid: libc.getppid() };
  }
}

/**
 * PR_SET_PDEATHSIG = SIGKILL: the process (and, after execve, the program) dies when its
 * parent does. It must be set after the identity drop, which clears it, and the parent may
 * have died before it was set: that race is closed by looking at the parent again after
 * setting it (re-parenting changes it), as bubblewrap's --die-with-parent does.
 */
export function armParentDeath(libc: Libc, watch: ParentWatch): void {
  if (libc.prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) !== 0)
    throw new SyscallError('prctl(PR_SET_PDEATHSIG, SIGKILL)', libc.errno());
  const now = watch.fd >= 0 ? statPpid(watch.fd) : libc.getppid();
  if (watch.fd >= 0) closeSync(watch.fd);
  if (now !== watch.ppid)
    throw new SyscallError(`parent ${watch.ppid} died before the parent-death signal was set`, 0);
}
