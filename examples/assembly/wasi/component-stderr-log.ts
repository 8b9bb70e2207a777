// Stands in for examples/assembly/lib/env.ts when the shared adder sources are compiled into
// the component adder: the panic path's one log call becomes a line written to
// `wasi:cli/stderr` (canonical ABI); the panic then traps, and the host reports that line as
// the reason.

import { blocking_write_and_flush, get_stderr } from '../wasi/wasi_cli_stderr'; // compiled as lib/env.ts: the path works from both

const RESULT_AREA: usize = memory.data(12, 4);
const NEWLINE: usize = memory.data<u8>([0x0a]);

/** Same signature as sp-io's `ext_logging_log_version_1`; `message` is `ptr | len << 32`. */
export function ext_logging_log_version_1(_level: i32, _target: i64, message: i64): void {
  const stderr = get_stderr();
  blocking_write_and_flush(
    stderr,
    <usize>(<u32>message),
    <usize>(<u32>(message >>> 32)),
    RESULT_AREA,
  );
  blocking_write_and_flush(stderr, NEWLINE, 1, RESULT_AREA);
}
