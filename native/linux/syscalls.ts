// The one table of Linux system call numbers and kernel constants the sandbox uses.
// Numbers must match the kernel's x86_64 table (arch/x86/entry/syscalls/syscall_64.tbl, as
// installed in <asm/unistd_64.h>) and, for the i386 entries used by the self-test's ABI
// attacks, arch/x86/entry/syscalls/syscall_32.tbl (<asm/unistd_32.h>).

/** x86_64 system call numbers. */
export const SYS = {
  ioctl: 16,
  shmget: 29,
  shmat: 30,
  shmctl: 31,
  socket: 41,
  connect: 42,
  accept: 43,
  bind: 49,
  listen: 50,
  socketpair: 53,
  clone: 56,
  fork: 57,
  vfork: 58,
  execve: 59,
  kill: 62,
  semget: 64,
  semop: 65,
  semctl: 66,
  shmdt: 67,
  msgget: 68,
  msgsnd: 69,
  msgrcv: 70,
  msgctl: 71,
  chmod: 90,
  fchmod: 91,
  chown: 92,
  fchown: 93,
  lchown: 94,
  ptrace: 101,
  setsid: 112,
  utime: 132,
  setpriority: 141,
  sched_setparam: 142,
  sched_setscheduler: 144,
  pivot_root: 155,
  capget: 125,
  capset: 126,
  prctl: 157,
  mount: 165,
  umount2: 166,
  init_module: 175,
  delete_module: 176,
  setxattr: 188,
  lsetxattr: 189,
  fsetxattr: 190,
  getxattr: 191,
  lgetxattr: 192,
  fgetxattr: 193,
  listxattr: 194,
  llistxattr: 195,
  flistxattr: 196,
  removexattr: 197,
  lremovexattr: 198,
  fremovexattr: 199,
  sched_setaffinity: 203,
  semtimedop: 220,
  utimes: 235,
  mq_open: 240,
  mq_unlink: 241,
  mq_timedsend: 242,
  mq_timedreceive: 243,
  mq_notify: 244,
  mq_getsetattr: 245,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  ioprio_set: 251,
  inotify_init: 253,
  inotify_add_watch: 254,
  inotify_rm_watch: 255,
  migrate_pages: 256,
  fchownat: 260,
  futimesat: 261,
  fchmodat: 268,
  unshare: 272,
  move_pages: 279,
  utimensat: 280,
  accept4: 288,
  inotify_init1: 294,
  perf_event_open: 298,
  fanotify_init: 300,
  fanotify_mark: 301,
  prlimit64: 302,
  open_by_handle_at: 304,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  sched_setattr: 314,
  seccomp: 317,
  memfd_create: 319,
  kexec_file_load: 320,
  bpf: 321,
  execveat: 322,
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
  memfd_secret: 447,
  fchmodat2: 452,
  setxattrat: 463,
  getxattrat: 464,
  listxattrat: 465,
  removexattrat: 466,
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
  EOPNOTSUPP: 95,
} as const;

/** Terminal ioctls that inject input into a tty (<asm-generic/ioctls.h>). */
export const TIOCSTI = 0x5412;
export const TIOCLINUX = 0x541c;

/** Terminal ioctls that change a tty's state (<asm-generic/ioctls.h>, request type 'T' =
 *  0x54): settings, flushing, flow control, breaks, window size, modem lines, line
 *  discipline, process group, console redirection, input injection. Compared on the low 16
 *  bits (type and number), so the termios2 variants (TCSETS2 = _IOW('T', 0x2B, ...)) and any
 *  size/direction bits are covered. The read-only requests (TCGETS 0x5401, TIOCGWINSZ 0x5413,
 *  TIOCGPGRP 0x540F, FIONREAD 0x541B) and the fd flags Node and libuv use on any fd (FIONBIO
 *  0x5421, FIONCLEX/FIOCLEX 0x5450/0x5451) stay allowed. */
export const TERMINAL_MUTATING_IOCTLS = [
  0x5402, // TCSETS
  0x5403, // TCSETSW
  0x5404, // TCSETSF
  0x5406, // TCSETA
  0x5407, // TCSETAW
  0x5408, // TCSETAF
  0x5409, // TCSBRK
  0x540a, // TCXONC
  0x540b, // TCFLSH
  0x540e, // TIOCSCTTY
  0x5410, // TIOCSPGRP
  0x5412, // TIOCSTI
  0x5414, // TIOCSWINSZ
  0x5416, // TIOCMBIS
  0x5417, // TIOCMBIC
  0x5418, // TIOCMSET
  0x541a, // TIOCSSOFTCAR
  0x541c, // TIOCLINUX
  0x541d, // TIOCCONS
  0x541f, // TIOCSSERIAL
  0x5420, // TIOCPKT
  0x5422, // TIOCNOTTY
  0x5423, // TIOCSETD
  0x5425, // TCSBRKP
  0x5427, // TIOCSBRK
  0x5428, // TIOCCBRK
  0x542b, // TCSETS2
  0x542c, // TCSETSW2
  0x542d, // TCSETSF2
  0x542f, // TIOCSRS485
  0x5433, // TCSETX
  0x5434, // TCSETXF
  0x5435, // TCSETXW
  0x5436, // TIOCSIG
  0x5437, // TIOCVHANGUP
  0x5457, // TIOCSLCKTRMIOS
] as const;
export const TIOCSWINSZ = 0x5414;
export const TCFLSH = 0x540b;
export const TCSETS = 0x5402;

/** Socket-interface ioctls (request type 0x89: SIOCGIFCONF 0x8912, SIOCGIFHWADDR 0x8927, ...,
 *  <linux/sockios.h>) and wireless extensions (type 0x8B, <linux/wireless.h>): on any socket,
 *  the channel included, they describe the host's interfaces. Compared as type = low32 &
 *  0xff00. */
export const SOCKET_IOCTL_TYPES = [0x8900, 0x8b00] as const;
export const SIOCGIFCONF = 0x8912;
export const SIOCGIFHWADDR = 0x8927;

/** clone(2) flags (<linux/sched.h>). */
export const CLONE_THREAD = 0x00010000;
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
