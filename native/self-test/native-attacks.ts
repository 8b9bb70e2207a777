// Self-test battery, native level: koffi here stands in for an attacker who escaped V8 or the
// wasm engine and can make any system call. Runs sealed (with koffi's folder readable):
//   node native-attacks.js '<AttackTargets JSON>' batch        survivable attacks, one process
//   node native-attacks.js '<AttackTargets JSON>' <FatalAttack> one attack the filter kills
//   node native-attacks.js '<AttackTargets JSON>' sibling PID   attacks on another process
//   node native-attacks.js '<AttackTargets JSON>' tiocsti FD    terminal input injection
// The attacks follow sandbox.md §7 (ABI tricks, io_uring, borrowing the parent's network or
// memory). Each reports whether it got through; the host gathers its own evidence.
import { loadLibc } from '../linux/libc.js';
import { installSeccompFilter } from '../linux/seccomp.js';
import {
  CLONE_NEWNET,
  CLONE_NEWUSER,
  SYS,
  SYS_I386,
  TIOCSTI,
  X32_SYSCALL_BIT,
} from '../linux/syscalls.js';
import {
  FATAL_ATTACKS,
  reportAndWait,
  type AttackTargets,
  type AttemptResult,
  type FatalAttack,
} from './protocol.js';

const targets = JSON.parse(process.argv[2] ?? '{}') as AttackTargets;
const mode = process.argv[3] ?? 'batch';
const libc = await loadLibc();
const { koffi } = libc;
const lib = koffi.load('libc.so.6');
const write = lib.func('long write(int fd, const void *buf, size_t n)');
const pwrite = lib.func('long pwrite(int fd, const void *buf, size_t n, int64_t offset)');
const mmap = lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)');
const memcpy = lib.func('void *memcpy(void *dst, const void *src, size_t n)');
const malloc = lib.func('void *malloc(size_t n)');
const exitNow = lib.func('void _exit(int status)');
const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)');

const ppid = targets.hostPid ?? process.ppid;
const secret = Buffer.from(targets.secretHex ?? '', 'hex');
const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 3: 'ESRCH', 13: 'EACCES', 38: 'ENOSYS' };
const fail = (step: string): Omit<AttemptResult, 'id'> => ({
  succeeded: false,
  detail: `${step}: errno ${libc.errno()}${ERRNO_NAMES[libc.errno()] ? ` ${ERRNO_NAMES[libc.errno()]}` : ''}`,
});

function ioUringSetup(): Omit<AttemptResult, 'id'> {
  const params = Buffer.alloc(120); // struct io_uring_params, zeroed
  const fd = libc.syscall(SYS.io_uring_setup, 'uint32_t', 8, 'void *', params);
  return fd >= 0 ? { succeeded: true, detail: `ring fd ${fd}` } : fail('io_uring_setup');
}

function stealParentSocket(): Omit<AttemptResult, 'id'> {
  const pidfd = libc.syscall(SYS.pidfd_open, 'int', ppid, 'unsigned int', 0);
  if (pidfd < 0) return fail('pidfd_open');
  const fd = libc.syscall(
    SYS.pidfd_getfd,
    'int',
    pidfd,
    'int',
    targets.parentSocketFd,
    'unsigned int',
    0,
  );
  if (fd < 0) return fail('pidfd_getfd');
  const msg = Buffer.from('STOLEN-parent-socket');
  return write(fd, msg, msg.length) === msg.length
    ? { succeeded: true, detail: `wrote through stolen fd ${fd}` }
    : fail('write');
}

function writeParentMemory(): Omit<AttemptResult, 'id'> {
  const O_RDWR = 2;
  const fd = libc.open(`/proc/${ppid}/mem`, O_RDWR);
  if (fd < 0) return fail(`open(/proc/${ppid}/mem)`);
  const marker = Buffer.from('PWNED-by-sandbox');
  const n = pwrite(fd, marker, marker.length, BigInt(targets.parentSecretAddress));
  return n === marker.length
    ? { succeeded: true, detail: 'overwrote parent memory' }
    : fail('pwrite');
}

function readParentMemory(): Omit<AttemptResult, 'id'> {
  const iovec = koffi.struct({ base: 'uint64_t', len: 'size_t' });
  const local = malloc(secret.length);
  const n = libc.syscall(
    SYS.process_vm_readv,
    'int',
    ppid,
    koffi.pointer(iovec),
    { base: koffi.address(local), len: secret.length },
    'unsigned long',
    1,
    koffi.pointer(iovec),
    { base: BigInt(targets.parentSecretAddress), len: secret.length },
    'unsigned long',
    1,
    'unsigned long',
    0,
  );
  if (n < 0) return fail('process_vm_readv');
  const got = Buffer.from(koffi.decode(local, koffi.array('uint8_t', secret.length)) as Uint8Array);
  return {
    succeeded: true,
    detail: got.equals(secret) ? 'read the parent secret' : `read ${n} bytes`,
  };
}

function signal(pid: number): Omit<AttemptResult, 'id'> {
  const rc = libc.syscall(SYS.kill, 'int', pid, 'int', 0);
  return rc === 0 ? { succeeded: true, detail: `may signal ${pid}` } : fail(`kill(${pid}, 0)`);
}

function openMemory(pid: number): Omit<AttemptResult, 'id'> {
  const fd = libc.open(`/proc/${pid}/mem`, 2 /* O_RDWR */);
  return fd >= 0
    ? { succeeded: true, detail: `opened /proc/${pid}/mem` }
    : fail(`open(/proc/${pid}/mem)`);
}

function ptrace(pid: number): Omit<AttemptResult, 'id'> {
  const PTRACE_SEIZE = 0x4206;
  const rc = libc.syscall(SYS.ptrace, 'long', PTRACE_SEIZE, 'long', pid, 'long', 0, 'long', 0);
  return rc === 0 ? { succeeded: true, detail: `seized ${pid}` } : fail('ptrace(PTRACE_SEIZE)');
}

function newNamespaces(): Omit<AttemptResult, 'id'> {
  const rc = libc.syscall(SYS.unshare, 'int', CLONE_NEWUSER | CLONE_NEWNET);
  return rc === 0 ? { succeeded: true, detail: 'in new user+net namespaces' } : fail('unshare');
}

function enterHostNetns(): Omit<AttemptResult, 'id'> {
  const fd = libc.open('/proc/1/ns/net', 0 /* O_RDONLY */);
  if (fd < 0) return fail('open(/proc/1/ns/net)');
  const rc = libc.syscall(SYS.setns, 'int', fd, 'int', CLONE_NEWNET);
  return rc === 0 ? { succeeded: true, detail: 'joined the host netns' } : fail('setns');
}

/** Pushes "a\n" with TIOCSTI and "b\n" with TIOCSTI plus bit 32 set (the kernel truncates
 *  the request to 32 bits, so a filter comparing all 64 bits would miss it). */
function injectInput(fd: number): AttemptResult[] {
  const ioctl = lib.func('int ioctl(int fd, unsigned long request, ...)');
  const push = (request: number, text: string) => {
    for (const ch of Buffer.from(text))
      if (ioctl(fd, request, 'char *', Buffer.from([ch])) !== 0) return fail('ioctl');
    return { succeeded: true, detail: `injected ${JSON.stringify(text)}` };
  };
  return [
    { id: 'TIOCSTI', ...push(TIOCSTI, 'a\n') },
    { id: 'TIOCSTI | 1<<32', ...push(TIOCSTI + 2 ** 32, 'b\n') },
  ];
}

const ok = (detail: string): Omit<AttemptResult, 'id'> => ({ succeeded: true, detail });

/** A new process: a raw fork whose child leaves at once (it must not run this script on). */
function forkProcess(): Omit<AttemptResult, 'id'> {
  const pid = libc.syscall(SYS.fork);
  if (pid === 0) exitNow(0);
  return pid > 0 ? ok(`forked ${pid}`) : fail('fork');
}

/** Read-only prlimit64 on another pid: how siblings are found without /proc. */
function probeLimits(pid: number): Omit<AttemptResult, 'id'> {
  const old = Buffer.alloc(16);
  const rc = libc.syscall(SYS.prlimit64, 'int', pid, 'int', 0, 'void *', null, 'void *', old);
  return rc === 0 ? ok(`read RLIMIT_CPU of ${pid}`) : fail(`prlimit64(${pid})`);
}

/** setpriority(PRIO_PROCESS, pid, 0): a no-op value, so a bypass changes nothing. */
function renice(pid: number): Omit<AttemptResult, 'id'> {
  const rc = libc.syscall(SYS.setpriority, 'int', 0, 'int', pid, 'int', 0);
  return rc === 0 ? ok(`set nice of ${pid}`) : fail(`setpriority(${pid})`);
}

/** sched_setaffinity(pid, every cpu): harmless if it got through. */
function pin(pid: number): Omit<AttemptResult, 'id'> {
  const mask = Buffer.alloc(128, 0xff);
  const rc = libc.syscall(SYS.sched_setaffinity, 'int', pid, 'size_t', mask.length, 'void *', mask);
  return rc === 0 ? ok(`set affinity of ${pid}`) : fail(`sched_setaffinity(${pid})`);
}

/** SIOCGIFCONF on the channel socket (fd 0), asking only for the size of the list. */
function interfaces(): Omit<AttemptResult, 'id'> {
  const ifconf = Buffer.alloc(16); // { int ifc_len; char *ifc_buf = NULL }
  const rc = ioctl(0, 0x8912, 'void *', ifconf);
  return rc === 0 ? ok(`${ifconf.readInt32LE(0)} bytes of interfaces`) : fail('ioctl(SIOCGIFCONF)');
}

/** Creates a kernel object and, if that worked, releases it at once. */
function create(
  what: string,
  make: () => number,
  release: (id: number) => void,
): Omit<AttemptResult, 'id'> {
  const id = make();
  if (id < 0) return fail(what);
  release(id);
  return ok(`${what} gave ${id}`);
}

const IPC_PRIVATE = 0;
const IPC_CREAT_0600 = 0o1600;
const IPC_RMID = 0;
const memfd = () =>
  create(
    'memfd_create',
    () => libc.syscall(SYS.memfd_create, 'str', 'pvf', 'unsigned int', 0),
    (fd) => libc.close(fd),
  );
const shm = () =>
  create(
    'shmget',
    () => libc.syscall(SYS.shmget, 'int', IPC_PRIVATE, 'size_t', 4096, 'int', IPC_CREAT_0600),
    (id) => libc.syscall(SYS.shmctl, 'int', id, 'int', IPC_RMID, 'void *', null),
  );
const msgQueue = () =>
  create(
    'msgget',
    () => libc.syscall(SYS.msgget, 'int', IPC_PRIVATE, 'int', IPC_CREAT_0600),
    (id) => libc.syscall(SYS.msgctl, 'int', id, 'int', IPC_RMID, 'void *', null),
  );
const inotify = () =>
  create(
    'inotify_init1',
    () => libc.syscall(SYS.inotify_init1, 'int', 0),
    (fd) => libc.close(fd),
  );

/** Metadata changes on a world-writable file outside the sandbox's view. */
function touch(path: string): Omit<AttemptResult, 'id'> {
  const rc = libc.syscall(
    SYS.utimensat,
    'int',
    -100 /* AT_FDCWD */,
    'str',
    path,
    'void *',
    null,
    'int',
    0,
  );
  return rc === 0 ? ok(`touched ${path}`) : fail('utimensat');
}
function tag(path: string): Omit<AttemptResult, 'id'> {
  const rc = libc.syscall(
    SYS.setxattr,
    'str',
    path,
    'str',
    'user.pvf',
    'str',
    'x',
    'size_t',
    1,
    'int',
    0,
  );
  return rc === 0 ? ok(`set user.pvf on ${path}`) : fail('setxattr');
}

/** Filters stack and the strictest answer wins: an attacker's allow-all filter changes nothing. */
function ownFilterThenSocket(): Omit<AttemptResult, 'id'> {
  try {
    installSeccompFilter(libc, [{ code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }], { tsync: false });
  } catch (e) {
    return { succeeded: false, detail: String(e) };
  }
  const fd = libc.syscall(SYS.socket, 'int', 2, 'int', 1, 'int', 0);
  return fd >= 0 ? { succeeded: true, detail: `socket fd ${fd}` } : fail('socket after own filter');
}

/** Runs `int 0x80` with the i386 number and 32-bit args; returns eax. The code page is
 *  mapped below 4 GiB (MAP_32BIT) so 32-bit pointers into it are valid. */
function makeI386(): {
  call: (nr: number, a?: number, b?: number, c?: number) => number;
  base: number;
  put: (offset: number, data: Buffer) => void;
} {
  const PROT_RWX = 7;
  const MAP_PRIVATE_ANON_32BIT = 0x02 | 0x20 | 0x40;
  const page = mmap(null, 4096, PROT_RWX, MAP_PRIVATE_ANON_32BIT, -1, 0);
  const base = Number(koffi.address(page));
  const copyAt = lib.func('void *memcpy(uint64_t dst, const void *src, size_t n)');
  const put = (offset: number, data: Buffer) => copyAt(base + offset, data, data.length);
  const stub = koffi.proto('int pvf_i386_stub(void)');
  const imm = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return [...b];
  };
  const call = (nr: number, a = 0, b = 0, c = 0): number => {
    // push rbx; mov eax,nr; mov ebx,a; mov ecx,b; mov edx,c; int 0x80; pop rbx; ret
    const code = Buffer.from([
      0x53,
      0xb8,
      ...imm(nr),
      0xbb,
      ...imm(a),
      0xb9,
      ...imm(b),
      0xba,
      ...imm(c),
      0xcd,
      0x80,
      0x5b,
      0xc3,
    ]);
    memcpy(page, code, code.length);
    return koffi.call(page, stub) as number;
  };
  return { call, base, put };
}

function fatal(attack: FatalAttack): Omit<AttemptResult, 'id'> {
  const AF_INET = 2;
  const SOCK_STREAM = 1;
  if (attack === 'x32-socket') {
    const fd = libc.syscall(
      X32_SYSCALL_BIT | SYS.socket,
      'int',
      AF_INET,
      'int',
      SOCK_STREAM,
      'int',
      0,
    );
    return fd >= 0 ? { succeeded: true, detail: `x32 socket fd ${fd}` } : fail('x32 socket');
  }
  const i386 = makeI386();
  if (attack === 'i386-socketcall') {
    const args = Buffer.alloc(12);
    args.writeUInt32LE(AF_INET, 0);
    args.writeUInt32LE(SOCK_STREAM, 4);
    i386.put(0x300, args);
    const fd = i386.call(SYS_I386.socketcall, 1 /* SYS_SOCKET */, i386.base + 0x300);
    return fd >= 0
      ? { succeeded: true, detail: `socketcall fd ${fd}` }
      : { succeeded: false, detail: `socketcall ${fd}` };
  }
  const fd = i386.call(SYS_I386.socket, AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return { succeeded: false, detail: `i386 socket ${fd}` };
  const addr = Buffer.alloc(16);
  addr.writeUInt16LE(AF_INET, 0);
  addr.writeUInt16BE(targets.tcp['i386-socket-connect'] ?? 0, 2);
  addr.set([127, 0, 0, 1], 4);
  i386.put(0x100, addr);
  const rc = i386.call(SYS_I386.connect, fd, i386.base + 0x100, 16);
  if (rc < 0) return { succeeded: false, detail: `i386 connect ${rc}` };
  const msg = Buffer.from('PWNED-via-i386-ABI');
  i386.put(0x200, msg);
  const n = i386.call(4 /* i386 write */, fd, i386.base + 0x200, msg.length);
  return { succeeded: n === msg.length, detail: `i386 socket+connect+write ${n}` };
}

if ((FATAL_ATTACKS as readonly string[]).includes(mode)) {
  reportAndWait([{ id: mode, ...fatal(mode as FatalAttack) }]);
} else if (mode === 'tiocsti') {
  reportAndWait(injectInput(Number(process.argv[4])));
} else if (mode === 'sibling') {
  const victim = Number(process.argv[4]);
  reportAndWait([
    { id: 'ptrace (sibling)', ...ptrace(victim) },
    { id: '/proc/<sibling>/mem open', ...openMemory(victim) },
    { id: 'kill(sibling, 0)', ...signal(victim) },
  ]);
} else {
  const batch: Record<string, () => Omit<AttemptResult, 'id'>> = {
    io_uring_setup: ioUringSetup,
    'pidfd_getfd (parent socket)': stealParentSocket,
    'ptrace (parent)': () => ptrace(ppid),
    // read before the write below changes the bait
    'process_vm_readv (parent)': readParentMemory,
    '/proc/<ppid>/mem write': writeParentMemory,
    'kill(parent, 0)': () => signal(ppid),
    'unshare(user+net namespaces)': newNamespaces,
    'setns(host netns)': enterHostNetns,
    'fork()': forkProcess,
    'prlimit64(parent), read only': () => probeLimits(ppid),
    'setpriority(parent)': () => renice(ppid),
    'sched_setaffinity(parent)': () => pin(ppid),
    'SIOCGIFCONF on the channel': interfaces,
    memfd_create: memfd,
    'SysV shmget': shm,
    'SysV msgget': msgQueue,
    inotify_init1: inotify,
    'utimensat (file outside)': () => touch(targets.metaFile),
    'setxattr (file outside)': () => tag(targets.metaFile),
    // last: it adds a filter to this process
    'own allow-all filter, then socket()': ownFilterThenSocket,
  };
  reportAndWait(Object.entries(batch).map(([id, attack]) => ({ id, ...attack() })));
}
