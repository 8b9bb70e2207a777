// Stands in for examples/assembly/lib/env.ts when the shared adder sources are compiled as a
// `wasi-p1` PVF: the panic path's one log call becomes a line on stderr (fd 2) followed by
// `proc_exit(1)`, which the host turns into an invalid outcome carrying that line.

import { fd_write, proc_exit } from '../wasi/wasi_snapshot_preview1'; // compiled as lib/env.ts: the path works from both

/** Two iovecs (message, newline) and fd_write's count. */
const IOVS: usize = memory.data(16, 4);
const WRITTEN: usize = memory.data(4, 4);
const NEWLINE: usize = memory.data<u8>([0x0a]);

/** Same signature as sp-io's `ext_logging_log_version_1`; `message` is `ptr | len << 32`. */
export function ext_logging_log_version_1(_level: i32, _target: i64, message: i64): void {
  store<u32>(IOVS, <u32>message);
  store<u32>(IOVS + 4, <u32>(message >>> 32));
  store<u32>(IOVS + 8, <u32>NEWLINE);
  store<u32>(IOVS + 12, 1);
  fd_write(2, IOVS, 2, WRITTEN);
  proc_exit(1);
}
