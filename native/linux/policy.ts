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
  ERRNO,
  SYS,
  TIOCLINUX,
  TIOCSTI,
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

const EPERM: SeccompAction = { kind: 'errno', errno: ERRNO.EPERM };

/** The rule list of the worker filter. */
export function workerSyscallRules(network: NetworkDenyAction): SyscallRule[] {
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
    // clone creating namespaces is unshare by another name.
    {
      nr: SYS.clone,
      action: EPERM,
      when: { kind: 'low32-any-bit', arg: 0, mask: CLONE_NAMESPACE_FLAGS },
    },
    // Terminal input injection into a tty the worker still holds (CVE-2017-5226).
    {
      nr: SYS.ioctl,
      action: EPERM,
      when: { kind: 'low32-equals-any', arg: 1, values: [TIOCSTI, TIOCLINUX] },
    },
  ];
}

/** The complete worker filter: x86_64 only (anything else, and x32, kills the process). */
export function workerSeccompProgram(network: NetworkDenyAction): BpfInstruction[] {
  return buildSeccompProgram({
    rules: workerSyscallRules(network),
    badArch: { kind: 'kill-process' },
    archCheck: true,
  });
}
