// The only door to koffi: loads it lazily (a dynamic import, so nothing that merely imports
// native/ pays for or exposes FFI) and declares the few libc functions the sandbox calls.
// Every layer module receives the resulting object instead of loading koffi itself.
//
// koffi call conventions used throughout (sandbox.md §0): `syscall` and `fcntl` are variadic,
// so each extra argument is a (type, value) pair; a struct argument is a koffi pointer type
// followed by a plain object that koffi marshals for the duration of the call; errno is read
// with `errno()` right after the call.
import type koffiModule from 'koffi';

type Fn<A extends unknown[]> = (...args: A) => number;

export interface Libc {
  readonly koffi: typeof koffiModule;
  /** errno of the last call made through koffi on this thread. */
  errno(): number;
  readonly syscall: Fn<[number, ...unknown[]]>;
  readonly prctl: Fn<[number, number, number, number, number]>;
  readonly open: Fn<[string, number]>;
  readonly close: Fn<[number]>;
  readonly fcntl: Fn<[number, number, ...unknown[]]>;
  readonly execve: Fn<[string, (string | null)[], (string | null)[]]>;
  readonly setsid: Fn<[]>;
  readonly getsid: Fn<[number]>;
  readonly getpid: Fn<[]>;
  readonly getuid: Fn<[]>;
  readonly getgid: Fn<[]>;
  readonly setgroups: Fn<[number, null]>;
  readonly setgid: Fn<[number]>;
  readonly setuid: Fn<[number]>;
  readonly unshare: Fn<[number]>;
  readonly setrlimit: Fn<[number, { rlim_cur: bigint; rlim_max: bigint }]>;
  readonly mount: Fn<[string | null, string, string | null, number, string | null]>;
  readonly umount2: Fn<[string, number]>;
  readonly chdir: Fn<[string]>;
  readonly getppid: Fn<[]>;
  /** `buf` receives struct statvfs (112 bytes on x86_64 glibc). */
  readonly statvfs: Fn<[string, Buffer]>;
}

let loading: Promise<Libc> | undefined;

/** Loads koffi and libc once per process. Rejects off Linux or where koffi cannot load. */
export function loadLibc(): Promise<Libc> {
  loading ??= (async () => {
    const koffi = (await import('koffi')).default;
    const lib = koffi.load('libc.so.6');
    koffi.struct('pvf_rlimit', { rlim_cur: 'uint64_t', rlim_max: 'uint64_t' });
    const f = (decl: string) => lib.func(decl) as unknown as Fn<never[]>;
    return {
      koffi,
      errno: () => koffi.errno(),
      syscall: f('long syscall(long number, ...)'),
      prctl: f(
        'int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)',
      ),
      open: f('int open(const char *path, int flags)'),
      close: f('int close(int fd)'),
      fcntl: f('int fcntl(int fd, int cmd, ...)'),
      execve: f('int execve(const char *path, const char **argv, const char **envp)'),
      setsid: f('int setsid(void)'),
      getsid: f('int getsid(int pid)'),
      getpid: f('int getpid(void)'),
      getuid: f('uint32_t getuid(void)'),
      getgid: f('uint32_t getgid(void)'),
      setgroups: f('int setgroups(size_t size, const uint32_t *list)'),
      setgid: f('int setgid(uint32_t gid)'),
      setuid: f('int setuid(uint32_t uid)'),
      unshare: f('int unshare(int flags)'),
      mount: f(
        'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
      ),
      umount2: f('int umount2(const char *target, int flags)'),
      chdir: f('int chdir(const char *path)'),
      getppid: f('int getppid(void)'),
      statvfs: f('int statvfs(const char *path, void *buf)'),
      setrlimit: lib.func(
        'int setrlimit(int resource, const pvf_rlimit *rlim)',
      ) as unknown as Libc['setrlimit'],
    } as Libc;
  })();
  return loading;
}
