// A deterministic, capability-free `wasi_snapshot_preview1` for PVFs, written by hand rather
// than taken from `node:wasi` (whose clocks, random and stdio are real, and whose `sock_accept`
// can crash Node on a pipe). What a guest gets:
// - fds 0, 1, 2 only: stdin is empty (EOF), stdout and stderr go to the bounded log;
// - no preopened directories (`fd_prestat_get` is EBADF), so no path can ever be opened;
// - empty args and environ; fixed clocks and a params-derived random stream
//   (../deterministic.ts); `proc_exit` ends the call with a {@link ProcExit};
// - every other non-socket function of the snapshot, answering EBADF/ENOTDIR/ESPIPE/ENOSYS as
//   a character device with nothing behind it would. No `sock_*` function exists here at all.
// A pointer outside guest memory traps the guest (the engine's GuestMemory throws
// `HostTrap('out-of-bounds')`), as a bad pointer handed to a Substrate host function does.
import { GuestMemory } from '../../engine/memory.js';
import {
  CLOCK_RESOLUTION_NS,
  type DeterministicRandom,
  FIXED_MONOTONIC_NS,
  FIXED_REALTIME_NS,
} from '../deterministic.js';
import type { StdioLog } from '../stdio-log.js';
import {
  CLOCK_IDS,
  Errno,
  FILETYPE_CHARACTER_DEVICE,
  RIGHT_FD_READ,
  RIGHT_FD_WRITE,
} from './errno.js';

/** The guest called `proc_exit`: the call ends here. Caught by the PVF runner, never leaked. */
export class ProcExit extends Error {
  override name = 'ProcExit';
  constructor(readonly code: number) {
    super(`the PVF called proc_exit(${code})`);
  }
}

type Fn = (...args: never[]) => number | void;

const isStdio = (fd: number): boolean => fd >>> 0 <= 2;
/** `fd` is stdio: answer `stdioErr`; else there is no such descriptor. */
const onStdio = (fd: number, stdioErr: Errno): Errno => (isStdio(fd) ? stdioErr : Errno.BADF);

/**
 * The preview1 functions for one prepared module. The import object is built once; the state
 * of the execution it serves (log, random stream, memory) is swapped in with {@link begin} and
 * {@link bind} before each run: executions in a worker are sequential, and a fresh object of
 * ~40 closures per execution was a measurable part of a small validation.
 */
export class Preview1Host {
  #memory: GuestMemory | undefined;
  #imports: WebAssembly.Imports | undefined;

  constructor(
    private log: StdioLog,
    private random: DeterministicRandom,
  ) {}

  /** Starts an execution: its log and random stream; call {@link bind} once instantiated. */
  begin(log: StdioLog, random: DeterministicRandom): void {
    this.log = log;
    this.random = random;
    this.#memory = undefined;
  }

  bind(memory: WebAssembly.Memory): void {
    this.#memory = new GuestMemory(memory);
  }

  /** The import object: `{ wasi_snapshot_preview1: { ... } }`, keyed by the exact names. */
  imports(): WebAssembly.Imports {
    this.#imports ??= { wasi_snapshot_preview1: this.#functions() };
    return this.#imports;
  }

  get #mem(): GuestMemory {
    if (!this.#memory) throw new Error('preview1 host used before bind()');
    return this.#memory;
  }

  // Contracts follow the preview1 witx (`wasi_snapshot_preview1.witx`); pointers are guest
  // offsets, every one checked by GuestMemory.
  #functions() {
    const m = () => this.#mem;
    const zeroPair = (a: number, b: number) => {
      m().writeU32(a, 0);
      m().writeU32(b, 0);
      return Errno.SUCCESS;
    };
    const writeU64 = (ptr: number, value: bigint) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, value, true);
      m().write(ptr, b);
    };
    const writeZeroed = (ptr: number, len: number, set: (b: Uint8Array) => void) => {
      const b = new Uint8Array(len);
      set(b);
      m().write(ptr, b);
    };
    return {
      /** args_get(argv, argv_buf): there are no arguments, nothing to write. */
      args_get: (_argv: number, _buf: number) => Errno.SUCCESS,
      /** args_sizes_get(argc*, argv_buf_size*): 0 and 0. */
      args_sizes_get: zeroPair,
      environ_get: (_env: number, _buf: number) => Errno.SUCCESS,
      environ_sizes_get: zeroPair,

      /** clock_res_get(id, resolution*): 1 ns for the four clocks, EINVAL otherwise. */
      clock_res_get: (id: number, out: number) => {
        if (id >>> 0 >= CLOCK_IDS) return Errno.INVAL;
        writeU64(out, CLOCK_RESOLUTION_NS);
        return Errno.SUCCESS;
      },
      /** clock_time_get(id, precision, time*): the fixed values of ../deterministic.ts. */
      clock_time_get: (id: number, _precision: bigint, out: number) => {
        if (id >>> 0 >= CLOCK_IDS) return Errno.INVAL;
        writeU64(out, id === 0 ? FIXED_REALTIME_NS : FIXED_MONOTONIC_NS);
        return Errno.SUCCESS;
      },
      /** random_get(buf, len): the next `len` bytes of the params-derived stream. */
      random_get: (buf: number, len: number) => {
        m().check(buf, len, 'random_get buffer');
        m().write(buf, this.random.next(len >>> 0));
        return Errno.SUCCESS;
      },
      sched_yield: () => Errno.SUCCESS,
      poll_oneoff: (_in: number, _out: number, _n: number, _nevents: number) => Errno.NOSYS,
      /** proc_exit(code): ends the call; the runner turns it into an outcome. */
      proc_exit: (code: number): void => {
        throw new ProcExit(code >>> 0);
      },
      proc_raise: (_sig: number) => Errno.NOSYS,

      /** fd_write(fd, iovs, iovs_len, nwritten*): fds 1 and 2 go to the log. */
      fd_write: (fd: number, iovs: number, iovsLen: number, nwritten: number) => {
        if (fd !== 1 && fd !== 2) return Errno.BADF;
        const stream = fd === 1 ? 'stdout' : 'stderr';
        let total = 0;
        for (let i = 0; i < iovsLen >>> 0; i++) {
          const ptr = m().readU32(iovs + i * 8);
          const len = m().readU32(iovs + i * 8 + 4);
          this.log.write(stream, m().view(ptr, len, 'fd_write iovec'));
          total += len;
          if (total > 0xffff_ffff) return Errno.INVAL;
        }
        m().writeU32(nwritten, total);
        return Errno.SUCCESS;
      },
      /** fd_read(fd, iovs, iovs_len, nread*): stdin is empty (0 bytes = EOF). */
      fd_read: (fd: number, _iovs: number, _n: number, nread: number) => {
        if (fd !== 0) return Errno.BADF;
        m().writeU32(nread, 0);
        return Errno.SUCCESS;
      },
      /** fd_fdstat_get(fd, fdstat*): fds 0-2 are character devices (read / write rights). */
      fd_fdstat_get: (fd: number, out: number) => {
        if (!isStdio(fd)) return Errno.BADF;
        // fdstat: filetype u8 @0, flags u16 @2, rights_base u64 @8, rights_inheriting u64 @16
        writeZeroed(out, 24, (b) => {
          b[0] = FILETYPE_CHARACTER_DEVICE;
          new DataView(b.buffer).setBigUint64(8, fd === 0 ? RIGHT_FD_READ : RIGHT_FD_WRITE, true);
        });
        return Errno.SUCCESS;
      },
      /** fd_filestat_get(fd, filestat*): a character device, all other fields 0. */
      fd_filestat_get: (fd: number, out: number) => {
        if (!isStdio(fd)) return Errno.BADF;
        // filestat: dev, ino, filetype u8 @16, nlink, size, atim, mtim, ctim (64 bytes)
        writeZeroed(out, 64, (b) => (b[16] = FILETYPE_CHARACTER_DEVICE));
        return Errno.SUCCESS;
      },
      /** No preopened directories, ever: libc's start-up scan stops at fd 3. */
      fd_prestat_get: (_fd: number, _out: number) => Errno.BADF,
      fd_prestat_dir_name: (_fd: number, _p: number, _l: number) => Errno.BADF,

      fd_advise: (fd: number) => onStdio(fd, Errno.SPIPE),
      fd_allocate: (fd: number) => onStdio(fd, Errno.SPIPE),
      fd_close: (fd: number) => onStdio(fd, Errno.NOTSUP),
      fd_datasync: (fd: number) => onStdio(fd, Errno.INVAL),
      fd_sync: (fd: number) => onStdio(fd, Errno.INVAL),
      fd_fdstat_set_flags: (fd: number) => onStdio(fd, Errno.NOTSUP),
      fd_fdstat_set_rights: (fd: number) => onStdio(fd, Errno.NOTSUP),
      fd_filestat_set_size: (fd: number) => onStdio(fd, Errno.INVAL),
      fd_filestat_set_times: (fd: number) => onStdio(fd, Errno.NOTSUP),
      fd_pread: (fd: number) => onStdio(fd, Errno.SPIPE),
      fd_pwrite: (fd: number) => onStdio(fd, Errno.SPIPE),
      fd_readdir: (fd: number) => onStdio(fd, Errno.NOTDIR),
      fd_renumber: (fd: number, to: number) =>
        isStdio(fd) && isStdio(to) ? Errno.NOTSUP : Errno.BADF,
      fd_seek: (fd: number) => onStdio(fd, Errno.SPIPE),
      fd_tell: (fd: number) => onStdio(fd, Errno.SPIPE),

      // Every path function takes a directory fd first; none exists.
      path_create_directory: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_filestat_get: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_filestat_set_times: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_link: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_open: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_readlink: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_remove_directory: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_rename: (fd: number) => onStdio(fd, Errno.NOTDIR),
      path_symlink: (_old: number, _len: number, fd: number) => onStdio(fd, Errno.NOTDIR),
      path_unlink_file: (fd: number) => onStdio(fd, Errno.NOTDIR),
    } satisfies Record<string, Fn>;
  }
}

/** Every preview1 function the host provides (the snapshot minus the four `sock_*`). */
export const PREVIEW1_PROVIDED: ReadonlySet<string> = new Set(
  Object.keys(
    (new Preview1Host(undefined as never, undefined as never).imports().wasi_snapshot_preview1 ??
      {}) as object,
  ),
);
