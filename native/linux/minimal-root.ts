// The minimal root: inside a private mount namespace (made by util-linux `unshare --mount`
// around the launcher), pivot_root into an empty tmpfs that holds only the paths the sealed
// program needs, each bind-mounted read-only from the old root, plus /dev/null and a private
// /proc; then the old root is unmounted, so nothing else of the host's filesystem exists for
// the program at all. This is bubblewrap's and Polkadot's secure-validator-mode construction
// (polkadot-sdk @3eb58f47, polkadot/node/core/pvf/common/src/worker/security/change_root.rs,
// `try_restrict`: unshare CLONE_NEWUSER|CLONE_NEWNS, mount / MS_REC|MS_PRIVATE, bind the
// worker dir read-only, pivot_root, umount2(MNT_DETACH) the old root). Polkadot's root is the
// worker's own folder; ours holds Node and its libraries too, because Node is the program.
//
// The mounts are made with the launcher's capabilities (root, or the owner's capabilities in
// a user namespace) before the identity drop, so a bound path needs only its own permission
// bits: the folders above it are the tmpfs's 0755 folders. A worker bundle under /root (0700)
// or Node under a private home thus starts as uid 65534 without any permission change.
import { lstatSync, mkdirSync, readlinkSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LayerUnavailableError, SyscallError } from './errors.js';
import type { Libc } from './libc.js';
import { MINIMAL_ROOT_SOURCE } from './minimal-root-name.js';
import { ERRNO, SYS } from './syscalls.js';

// <linux/mount.h>
const MS_RDONLY = 1;
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_NOEXEC = 8;
const MS_REMOUNT = 32;
const MS_BIND = 4096;
const MS_REC = 16384;
const MS_PRIVATE = 1 << 18;
const MNT_DETACH = 2;

/** Where the tmpfs is mounted before it becomes the root. Anything under it on the host is
 *  still reachable as a bind source: after the first pivot_root it shows through the old
 *  root again. */
const STAGE = '/tmp';
/** The old root, inside the new one, while the binds are made. Unmounted at the end. */
const OLD = '/.pvf-old-root';
const MAX_LINKS = 40;

export interface MinimalRootSpec {
  /** Host paths (files or folders, as the program will name them) made visible read-only.
   *  Symlinks on the way are recreated, their targets bound too. A missing path is skipped. */
  readonly readPaths: readonly string[];
  /** Mount a private /proc (of the program's PID namespace). */
  readonly proc: boolean;
}

export interface MinimalRootResult {
  readonly bound: number;
  readonly proc: boolean;
}

function mount(
  libc: Libc,
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null = null,
): void {
  if (libc.mount(source, target, fstype, flags, data) !== 0)
    throw new SyscallError(`mount(${source ?? 'none'} on ${target})`, libc.errno());
}

/** Current mount flags of `path` that a bind remount must keep (in a user namespace the
 *  kernel refuses to clear flags locked by the host's mount). ST_NOSUID/NODEV/NOEXEC/
 *  NOATIME/NODIRATIME equal the MS_* bits; ST_RELATIME is MS_RELATIME (1 << 21). */
function lockedFlags(libc: Libc, path: string): number {
  const buf = Buffer.alloc(112); // struct statvfs on x86_64 glibc
  if (libc.statvfs(path, buf) !== 0) return 0;
  const flags = Number(buf.readBigUInt64LE(72)); // f_flag
  const ST_NOATIME = 1024;
  const ST_NODIRATIME = 2048;
  const ST_RELATIME = 4096;
  return (
    (flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | ST_NOATIME | ST_NODIRATIME)) |
    (flags & ST_RELATIME ? 1 << 21 : 0)
  );
}

/** Bind `source` (on the old root) at `target` (in the new root), then make it read-only. */
function bindReadOnly(libc: Libc, source: string, target: string, extra = 0): void {
  mount(libc, source, target, null, MS_BIND | MS_REC);
  const keep = lockedFlags(libc, target);
  mount(
    libc,
    null,
    target,
    null,
    MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | keep | extra,
  );
}

/**
 * Makes `path` (absolute, as seen on the host) exist in the new root: every symlink on the
 * way is recreated and followed; the final file or folder is bind-mounted read-only.
 * Returns the number of binds made.
 */
function materialize(
  libc: Libc,
  path: string,
  seen: Set<string>,
  boundDirs: Set<string>,
  depth = 0,
): number {
  // Beneath a folder already bound: visible (and read-only) as it is on the host.
  const visible = (p: string): boolean => {
    for (let d = p; d !== '/'; d = dirname(d)) if (boundDirs.has(d)) return true;
    return false;
  };
  if (depth > MAX_LINKS) throw new SyscallError(`too many symlinks resolving ${path}`, 40);
  const parts = path.split('/').filter(Boolean);
  let done = '';
  for (let i = 0; i < parts.length; i++) {
    const next = `${done}/${parts[i]}`;
    let st;
    try {
      st = lstatSync(OLD + next);
    } catch {
      return 0; // missing on the host: nothing to show
    }
    if (st.isSymbolicLink()) {
      const link = readlinkSync(OLD + next);
      if (!seen.has(next) && !visible(next)) {
        seen.add(next);
        mkdirSync(dirname(next), { recursive: true, mode: 0o755 });
        try {
          symlinkSync(link, next);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      const target = isAbsolute(link) ? link : resolve(dirname(next), link);
      const rest = join(target, ...parts.slice(i + 1));
      return materialize(libc, rest, seen, boundDirs, depth + 1);
    }
    done = next;
  }
  if (done === '' || seen.has(done) || visible(done)) return 0;
  seen.add(done);
  const st = lstatSync(OLD + done);
  if (st.isDirectory()) boundDirs.add(done);
  mkdirSync(st.isDirectory() ? done : dirname(done), { recursive: true, mode: 0o755 });
  if (!st.isDirectory()) writeFileSync(done, '', { flag: 'a', mode: 0o444 });
  bindReadOnly(libc, OLD + done, done);
  return 1;
}

/**
 * Replaces the root of this (already private) mount namespace with a read-only tmpfs holding
 * only `spec.readPaths`, /dev/null (read-write) and, if asked, a private /proc. Afterwards the
 * working directory is the caller's if the root holds it, else `/`. In a multithreaded process pivot_root moves every thread whose
 * root was the old root; the execve that follows starts the program in the new root.
 */
export function enterMinimalRoot(libc: Libc, spec: MinimalRootSpec): MinimalRootResult {
  const cwd = process.cwd();
  // Nothing below may propagate back to the host's mounts.
  if (libc.mount(null, '/', null, MS_REC | MS_PRIVATE, null) !== 0) {
    const errno = libc.errno();
    if (errno === ERRNO.EPERM || errno === ERRNO.EINVAL)
      throw new LayerUnavailableError(
        `no private mount namespace to build a root in (mount errno ${errno})`,
      );
    throw new SyscallError('mount(/, MS_PRIVATE)', errno);
  }
  mount(
    libc,
    MINIMAL_ROOT_SOURCE,
    STAGE,
    'tmpfs',
    MS_NOSUID | MS_NODEV,
    'mode=0755,size=1m,nr_inodes=4096',
  );
  mkdirSync(STAGE + OLD, { mode: 0o700 });
  if (libc.syscall(SYS.pivot_root, 'const char *', STAGE, 'const char *', STAGE + OLD) !== 0)
    throw new SyscallError('pivot_root', libc.errno());
  if (libc.chdir('/') !== 0) throw new SyscallError('chdir(/)', libc.errno());

  const seen = new Set<string>();
  const boundDirs = new Set<string>();
  let bound = 0;
  // Folders first, so that a file beneath a bound folder needs no bind of its own.
  const byDepth = [...spec.readPaths].sort((a, b) => a.split('/').length - b.split('/').length);
  for (const path of byDepth) bound += materialize(libc, path, seen, boundDirs);
  mkdirSync('/dev', { recursive: true, mode: 0o755 });
  writeFileSync('/dev/null', '', { flag: 'a' });
  // Read-write (Node opens it at start and aborts without it), never executable.
  mount(libc, `${OLD}/dev/null`, '/dev/null', null, MS_BIND);
  let proc = false;
  if (spec.proc) {
    mkdirSync('/proc', { recursive: true, mode: 0o555 });
    // Refused (EPERM) where the PID namespace is not ours or /proc is masked (a container):
    // the program then runs without /proc, which it tolerates.
    proc = libc.mount('proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC, null) === 0;
  }
  if (libc.umount2(OLD, MNT_DETACH) !== 0)
    throw new SyscallError('umount2(old root)', libc.errno());
  rmdirSync(OLD);
  // The root itself: read-only, so the program cannot create files anywhere.
  mount(libc, null, '/', null, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV);
  // Back to the caller's folder if the root offers it (`pvf sandbox run` with relative paths
  // under --allow-read); otherwise the program starts in `/`.
  libc.chdir(cwd);
  return { bound, proc };
}
