// `wasi_snapshot_preview1` errno values used by the PVF host: the subset it ever returns.
// Must match the preview1 witx (`typenames.witx`, `errno` enum) that guest libcs are built against.
export const Errno = {
  SUCCESS: 0,
  BADF: 8,
  INVAL: 28,
  NOSYS: 52,
  NOTDIR: 54,
  NOTSUP: 58,
  SPIPE: 70,
} as const;
export type Errno = (typeof Errno)[keyof typeof Errno];

/** `filetype::character_device`: what fds 0, 1 and 2 are. */
export const FILETYPE_CHARACTER_DEVICE = 2;
/** `rights::fd_read` and `rights::fd_write` bits. */
export const RIGHT_FD_READ = 1n << 1n;
export const RIGHT_FD_WRITE = 1n << 6n;
/** `clockid`: realtime, monotonic, process_cputime_id, thread_cputime_id. */
export const CLOCK_IDS = 4;
