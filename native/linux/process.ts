// Process-level layers the launcher applies before execve: a new network namespace, a new
// session, no core dumps, an unprivileged identity, and fd hygiene.
import { readdirSync } from 'node:fs';
import { LayerUnavailableError, SyscallError } from './errors.js';
import type { Libc } from './libc.js';
import { CLONE_NEWNET, ERRNO, SYS } from './syscalls.js';

const RLIMIT_CORE = 4;
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const CLOSE_RANGE_CLOEXEC = 1 << 2;

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
