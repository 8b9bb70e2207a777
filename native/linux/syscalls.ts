// The one table of Linux system call numbers and kernel constants the sandbox uses.
// Numbers must match the kernel's x86_64 table (arch/x86/entry/syscalls/syscall_64.tbl, as
// installed in <asm/unistd_64.h>) and, for the i386 entries used by the self-test's ABI
// attacks, arch/x86/entry/syscalls/syscall_32.tbl (<asm/unistd_32.h>).

/** x86_64 system call numbers. */
export const SYS = {
  ioctl: 16,
  socket: 41,
  connect: 42,
  accept: 43,
  bind: 49,
  listen: 50,
  socketpair: 53,
  clone: 56,
  execve: 59,
  kill: 62,
  ptrace: 101,
  setsid: 112,
  pivot_root: 155,
  capget: 125,
  capset: 126,
  prctl: 157,
  mount: 165,
  umount2: 166,
  init_module: 175,
  delete_module: 176,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  unshare: 272,
  accept4: 288,
  perf_event_open: 298,
  prlimit64: 302,
  open_by_handle_at: 304,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  seccomp: 317,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_open: 434,
  clone3: 435,
  close_range: 436,
  pidfd_getfd: 438,
  mount_setattr: 442,
  landlock_create_ruleset: 444,
  landlock_add_rule: 445,
  landlock_restrict_self: 446,
} as const;
export type SyscallName = keyof typeof SYS;

/** i386 system call numbers, reachable from a 64-bit process through `int 0x80`. */
export const SYS_I386 = { socketcall: 102, socket: 359, connect: 362 } as const;

/** `seccomp_data.arch` values (<linux/audit.h>). */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** Bit set in `seccomp_data.nr` by the x32 ABI (<asm/unistd.h> __X32_SYSCALL_BIT). */
export const X32_SYSCALL_BIT = 0x40000000;

/** errno values (<asm-generic/errno-base.h>, <asm-generic/errno.h>). */
export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  EBADF: 9,
  EACCES: 13,
  EINVAL: 22,
  ENOSPC: 28,
  ENOSYS: 38,
} as const;

/** Terminal ioctls that inject input into a tty (<asm-generic/ioctls.h>). */
export const TIOCSTI = 0x5412;
export const TIOCLINUX = 0x541c;

/** clone(2) flags that create namespaces (<linux/sched.h>). */
export const CLONE_NEWNS = 0x00020000;
export const CLONE_NEWCGROUP = 0x02000000;
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWIPC = 0x08000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_NEWTIME = 0x00000080;
export const CLONE_NAMESPACE_FLAGS =
  CLONE_NEWNS |
  CLONE_NEWCGROUP |
  CLONE_NEWUTS |
  CLONE_NEWIPC |
  CLONE_NEWUSER |
  CLONE_NEWPID |
  CLONE_NEWNET |
  CLONE_NEWTIME;
