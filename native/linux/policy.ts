// The seccomp policy every sealed worker gets: which system calls are denied, and how.
//
// The network list must cover Polkadot's (polkadot-sdk
// polkadot/node/core/pvf/common/src/worker/security/seccomp.rs: socket, socketpair, connect,
// io_uring_setup/enter/register; KillProcess in production, EACCES in its tests). We add
// bind/listen/accept/accept4 and a hardening list that closes the cross-process paths an
// attacker with native code would use to borrow another process's network (research notes
// sandbox.md §7 and §9: pidfd_getfd, ptrace, process_vm_*).
import {
  buildSeccompProgram,
  type BpfInstruction,
  type SeccompAction,
  type SyscallRule,
} from './bpf.js';
import {
  CLONE_NAMESPACE_FLAGS,
  CLONE_THREAD,
  ERRNO,
  SOCKET_IOCTL_TYPES,
  SYS,
  TERMINAL_MUTATING_IOCTLS,
  type SyscallName,
} from './syscalls.js';

/** What a denied network system call does: fail with EACCES, or kill the whole process
 *  with SIGSYS (the reference's production choice; the host classifies such a death). */
export type NetworkDenyAction = 'errno' | 'kill';

/** Socket creation and use of new sockets. */
export const NETWORK_SYSCALLS = [
  'socket',
  'socketpair',
  'connect',
  'bind',
  'listen',
  'accept',
  'accept4',
] as const satisfies readonly SyscallName[];

/** io_uring operations (IORING_OP_SOCKET, IORING_OP_CONNECT, ...) never pass seccomp's syscall
 *  entry, so rings must not exist. ENOSYS, never kill: libuv probes io_uring_setup at loop init
 *  and falls back to epoll and its threadpool when the kernel "lacks" it (sandbox.md §3). */
export const IO_URING_SYSCALLS = [
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
] as const satisfies readonly SyscallName[];

/** Beyond the reference: reaching into other processes, changing namespaces or mounts, and
 *  large kernel attack surface a validation worker never needs. EPERM, as the kernel would
 *  answer an unprivileged caller. */
export const HARDENED_SYSCALLS = [
  // other processes: steal fds, read or write memory, compare fds
  'ptrace',
  'process_vm_readv',
  'process_vm_writev',
  'pidfd_open',
  'pidfd_getfd',
  'kcmp',
  // namespaces and mounts
  'unshare',
  'setns',
  'mount',
  'umount2',
  'pivot_root',
  'move_mount',
  'open_tree',
  'fsopen',
  'fsmount',
  'fsconfig',
  'fspick',
  'mount_setattr',
  // kernel attack surface
  'bpf',
  'keyctl',
  'add_key',
  'request_key',
  'init_module',
  'finit_module',
  'delete_module',
  'kexec_load',
  'kexec_file_load',
  'perf_event_open',
  'userfaultfd',
  'open_by_handle_at',
] as const satisfies readonly SyscallName[];

/** Containment: what a worker never needs and an attacker in it would use against the
 *  machine, the host or its siblings. Checked against what a real worker does: strace -f of
 *  `pvf example adder` (Node 20, every worker thread after the launcher's execve) showed none
 *  of these calls; prlimit64 appeared only with pid 0 (RLIMIT_NOFILE, RLIMIT_STACK), ioctl
 *  only as TCGETS on stdio, FIONBIO and FIOCLEX. */
export const CONTAINMENT_SYSCALLS = [
  // other processes' file names (inotify/fanotify on any readable folder)
  'inotify_init',
  'inotify_init1',
  'inotify_add_watch',
  'inotify_rm_watch',
  'fanotify_init',
  'fanotify_mark',
  // metadata changes Landlock does not cover (it governs content, not mode/owner/times)
  'chmod',
  'fchmod',
  'fchmodat',
  'fchmodat2',
  'chown',
  'fchown',
  'lchown',
  'fchownat',
  'utime',
  'utimes',
  'futimesat',
  'utimensat',
  // memory the RSS check cannot see, and SysV/POSIX IPC objects shared with any process of
  // the IPC namespace (message queues carry data both ways; shm outlives the worker)
  'memfd_create',
  'memfd_secret',
  'shmget',
  'shmat',
  'shmctl',
  'shmdt',
  'semget',
  'semop',
  'semtimedop',
  'semctl',
  'msgget',
  'msgsnd',
  'msgrcv',
  'msgctl',
  'mq_open',
  'mq_unlink',
  'mq_timedsend',
  'mq_timedreceive',
  'mq_notify',
  'mq_getsetattr',
  // scheduling and memory placement of others; self (pid 0) is allowed below where Node
  // uses it, these two it never does
  'ioprio_set',
  'migrate_pages',
  'move_pages',
] as const satisfies readonly SyscallName[];

/** Extended attributes: read and write, on any path or fd. ENOTSUP ("no xattrs here") is
 *  what programs already handle (ls, cp); the worker never uses them. */
export const XATTR_SYSCALLS = [
  'setxattr',
  'lsetxattr',
  'fsetxattr',
  'getxattr',
  'lgetxattr',
  'fgetxattr',
  'listxattr',
  'llistxattr',
  'flistxattr',
  'removexattr',
  'lremovexattr',
  'fremovexattr',
  'setxattrat',
  'getxattrat',
  'listxattrat',
  'removexattrat',
] as const satisfies readonly SyscallName[];

/** Calls that take a pid first and act on that process; allowed on pid 0 (the caller) only.
 *  glibc's getrlimit/setrlimit are prlimit64(0, ...), which Node uses at startup. */
export const SELF_ONLY_SYSCALLS = [
  'prlimit64',
  'sched_setaffinity',
  'sched_setscheduler',
  'sched_setparam',
  'sched_setattr',
] as const satisfies readonly SyscallName[];

/** New processes: fork, vfork, clone without CLONE_THREAD (threads stay allowed), execveat.
 *
 * execve stays allowed, and that is sound: the launcher installs this filter and then must
 * execve the worker, and a filter cannot tell that first call from a later one (no state,
 * and a path argument is a pointer it cannot read). A later execve replaces the worker in
 * place: same pid, same cgroup, and the filter, no_new_privs, Landlock (which limits what may
 * be executed to the program's own files), uid and namespaces all carry over, so it starts
 * no new process and gains nothing the worker did not have. */
export const PROCESS_CREATION_SYSCALLS = [
  'fork',
  'vfork',
  'execveat',
] as const satisfies readonly SyscallName[];

/** What the filter lets the sealed program do beyond the worker's needs. */
export interface PolicyOptions {
  /** New processes allowed (`pvf sandbox run` of a shell or a build tool); workers: false. */
  readonly newProcesses: boolean;
}

const EPERM: SeccompAction = { kind: 'errno', errno: ERRNO.EPERM };

/** The rule list of the worker filter. */
export function workerSyscallRules(
  network: NetworkDenyAction,
  opts: PolicyOptions = { newProcesses: false },
): SyscallRule[] {
  const netAction: SeccompAction =
    network === 'kill' ? { kind: 'kill-process' } : { kind: 'errno', errno: ERRNO.EACCES };
  return [
    ...NETWORK_SYSCALLS.map((s) => ({ nr: SYS[s], action: netAction })),
    ...IO_URING_SYSCALLS.map((s) => ({
      nr: SYS[s],
      action: { kind: 'errno', errno: ERRNO.ENOSYS } as const,
    })),
    ...HARDENED_SYSCALLS.map((s) => ({ nr: SYS[s], action: EPERM })),
    // clone3 passes its flags in a struct that seccomp cannot read: ENOSYS makes glibc fall
    // back to clone, whose flags can be checked (the Docker default profile does the same).
    { nr: SYS.clone3, action: { kind: 'errno', errno: ERRNO.ENOSYS } },
    ...CONTAINMENT_SYSCALLS.map((s) => ({ nr: SYS[s], action: EPERM })),
    ...XATTR_SYSCALLS.map((s) => ({
      nr: SYS[s],
      action: { kind: 'errno', errno: ERRNO.EOPNOTSUPP } as const,
    })),
    ...(opts.newProcesses
      ? []
      : PROCESS_CREATION_SYSCALLS.map((s) => ({ nr: SYS[s], action: EPERM }))),
    // clone creating namespaces is unshare by another name; without CLONE_THREAD it is a fork.
    {
      nr: SYS.clone,
      action: EPERM,
      when: [
        { kind: 'low32-any-bit', arg: 0, mask: CLONE_NAMESPACE_FLAGS },
        ...(opts.newProcesses
          ? []
          : [{ kind: 'low32-no-bit', arg: 0, mask: CLONE_THREAD } as const]),
      ],
    },
    ...SELF_ONLY_SYSCALLS.map((s) => ({
      nr: SYS[s],
      action: EPERM,
      when: { kind: 'low32-not-equal', arg: 0, value: 0 } as const,
    })),
    // setpriority(which, who, prio): only PRIO_PROCESS (0) of the caller (0). PRIO_USER with
    // who 0 would be every process of the worker's uid, its siblings included.
    {
      nr: SYS.setpriority,
      action: EPERM,
      when: [
        { kind: 'low32-not-equal', arg: 0, value: 0 },
        { kind: 'low32-not-equal', arg: 1, value: 0 },
      ],
    },
    {
      nr: SYS.ioctl,
      action: EPERM,
      when: [
        // The user's terminal (`pvf sandbox run` inherits it), input injection included
        // (TIOCSTI, CVE-2017-5226).
        { kind: 'low32-masked-equals-any', arg: 1, mask: 0xffff, values: TERMINAL_MUTATING_IOCTLS },
        // The host's interfaces through any socket, the channel included.
        { kind: 'low32-masked-equals-any', arg: 1, mask: 0xff00, values: SOCKET_IOCTL_TYPES },
      ],
    },
  ];
}

/** The complete worker filter: x86_64 only (anything else, and x32, kills the process). */
export function workerSeccompProgram(
  network: NetworkDenyAction,
  opts?: PolicyOptions,
): BpfInstruction[] {
  return buildSeccompProgram({
    rules: workerSyscallRules(network, opts),
    badArch: { kind: 'kill-process' },
    archCheck: true,
  });
}
