// Landlock: restricts the calling thread (and everything it later creates or executes) to
// read-only access beneath a list of paths, read-write beneath another, no TCP bind/connect
// (ABI >= 4) and, from ABI 6, no abstract unix sockets or signals outside the domain.
//
// Landlock applies to the calling thread only (the TSYNC flag arrives with ABI 8), so it is
// useful only right before an execve, which leaves one thread: the launcher's order.
// Rights and struct layouts must match <linux/landlock.h>.
import { statSync } from 'node:fs';
import type { TypeObject } from 'koffi';
import { LayerUnavailableError, SyscallError } from './errors.js';
import type { Libc } from './libc.js';
import { setNoNewPrivs } from './seccomp.js';
import { SYS } from './syscalls.js';

export const ACCESS_FS = {
  EXECUTE: 1n << 0n,
  WRITE_FILE: 1n << 1n,
  READ_FILE: 1n << 2n,
  READ_DIR: 1n << 3n,
  REMOVE_DIR: 1n << 4n,
  REMOVE_FILE: 1n << 5n,
  MAKE_CHAR: 1n << 6n,
  MAKE_DIR: 1n << 7n,
  MAKE_REG: 1n << 8n,
  MAKE_SOCK: 1n << 9n,
  MAKE_FIFO: 1n << 10n,
  MAKE_BLOCK: 1n << 11n,
  MAKE_SYM: 1n << 12n,
  REFER: 1n << 13n, // ABI 2
  TRUNCATE: 1n << 14n, // ABI 3
  IOCTL_DEV: 1n << 15n, // ABI 5
} as const;
export const ACCESS_NET = { BIND_TCP: 1n << 0n, CONNECT_TCP: 1n << 1n } as const; // ABI 4
export const SCOPE = { ABSTRACT_UNIX_SOCKET: 1n << 0n, SIGNAL: 1n << 1n } as const; // ABI 6

/** The newest ABI whose rights we know; a newer kernel is used at this level. ABI 7 only
 *  added audit logging flags, so its rights equal ABI 6's. */
export const NEWEST_KNOWN_ABI = 7;

const CREATE_RULESET_VERSION = 1;
const RULE_PATH_BENEATH = 1;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/** Rights that may be granted on a file (not a directory); others give EINVAL. */
const FILE_RIGHTS =
  ACCESS_FS.EXECUTE |
  ACCESS_FS.WRITE_FILE |
  ACCESS_FS.READ_FILE |
  ACCESS_FS.TRUNCATE |
  ACCESS_FS.IOCTL_DEV;
const READ_ONLY = ACCESS_FS.EXECUTE | ACCESS_FS.READ_FILE | ACCESS_FS.READ_DIR;

/** The kernel's Landlock ABI version, or a negative errno (ENOSYS: not built in;
 *  EOPNOTSUPP: built in but disabled at boot). */
export function landlockAbi(libc: Libc): number {
  const v = libc.syscall(
    SYS.landlock_create_ruleset,
    'void *',
    null,
    'size_t',
    0,
    'uint32_t',
    CREATE_RULESET_VERSION,
  );
  return v < 0 ? -libc.errno() : v;
}

/** All filesystem rights an ABI version knows: the set we "handle" (deny unless granted). */
export function handledFsAccess(abi: number): bigint {
  let all = (1n << 13n) - 1n;
  if (abi >= 2) all |= ACCESS_FS.REFER;
  if (abi >= 3) all |= ACCESS_FS.TRUNCATE;
  if (abi >= 5) all |= ACCESS_FS.IOCTL_DEV;
  return all;
}

export interface LandlockRules {
  /** Read and execute beneath these paths (files or directories). */
  readonly readPaths: readonly string[];
  /** Every handled right beneath these paths. */
  readonly readWritePaths: readonly string[];
}

export interface LandlockApplied {
  /** The kernel's ABI. */
  readonly abi: number;
  /** The ABI whose rights were enforced (at most NEWEST_KNOWN_ABI). */
  readonly enforcedAbi: number;
  readonly tcpDenied: boolean;
  readonly scoped: boolean;
}

/** Restricts the calling thread. Sets no_new_privs (required without CAP_SYS_ADMIN). */
export function restrictSelf(libc: Libc, rules: LandlockRules): LandlockApplied {
  const { koffi } = libc;
  const abi = landlockAbi(libc);
  if (abi < 1)
    throw new LayerUnavailableError(
      `Landlock unavailable (${-abi === 38 ? 'not built into the kernel' : -abi === 95 ? 'disabled at boot' : `errno ${-abi}`})`,
    );
  const enforcedAbi = Math.min(abi, NEWEST_KNOWN_ABI);
  const handled = handledFsAccess(enforcedAbi);
  const tcpDenied = enforcedAbi >= 4;
  const scoped = enforcedAbi >= 6;
  const rulesetAttr = koffi.struct({
    handled_access_fs: 'uint64_t',
    handled_access_net: 'uint64_t',
    scoped: 'uint64_t',
  });
  // struct landlock_path_beneath_attr is __attribute__((packed)): 12 bytes.
  const pathBeneathAttr = koffi.pack({ allowed_access: 'uint64_t', parent_fd: 'int32_t' });
  // Pass the struct size this ABI knows, so an older kernel does not see unknown fields.
  const size = scoped ? 24 : tcpDenied ? 16 : 8;
  const rulesetFd = libc.syscall(
    SYS.landlock_create_ruleset,
    koffi.pointer(rulesetAttr),
    {
      handled_access_fs: handled,
      handled_access_net: tcpDenied ? ACCESS_NET.BIND_TCP | ACCESS_NET.CONNECT_TCP : 0n,
      scoped: scoped ? SCOPE.ABSTRACT_UNIX_SOCKET | SCOPE.SIGNAL : 0n,
    },
    'size_t',
    size,
    'uint32_t',
    0,
  );
  if (rulesetFd < 0) throw new SyscallError('landlock_create_ruleset', libc.errno());
  try {
    const grants: [readonly string[], bigint][] = [
      [rules.readPaths, READ_ONLY],
      [rules.readWritePaths, handled],
    ];
    for (const [paths, access] of grants)
      for (const path of paths)
        addPathRule(libc, rulesetFd, path, access & handled, pathBeneathAttr);
    setNoNewPrivs(libc);
    const rc = libc.syscall(SYS.landlock_restrict_self, 'int', rulesetFd, 'uint32_t', 0);
    if (rc !== 0) throw new SyscallError('landlock_restrict_self', libc.errno());
  } finally {
    libc.close(rulesetFd);
  }
  return { abi, enforcedAbi, tcpDenied, scoped };
}

function addPathRule(
  libc: Libc,
  rulesetFd: number,
  path: string,
  access: bigint,
  pathBeneathAttr: TypeObject,
): void {
  const isDir = statSync(path).isDirectory();
  const fd = libc.open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) throw new SyscallError(`open(${path}, O_PATH)`, libc.errno());
  try {
    const rc = libc.syscall(
      SYS.landlock_add_rule,
      'int',
      rulesetFd,
      'int',
      RULE_PATH_BENEATH,
      libc.koffi.pointer(pathBeneathAttr),
      { allowed_access: isDir ? access : access & FILE_RIGHTS, parent_fd: fd },
      'uint32_t',
      0,
    );
    if (rc !== 0) throw new SyscallError(`landlock_add_rule(${path})`, libc.errno());
  } finally {
    libc.close(fd);
  }
}
