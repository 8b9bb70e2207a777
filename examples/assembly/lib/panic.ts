// Panics the way a Rust PVF built with sp-io does: its panic handler (sp-io `panic_handler`,
// without `improved_panic_error_reporting`) formats the panic info, logs it through
// `ext_logging_log_version_1` at level Error with target "runtime", then executes
// `unreachable`. The host sees a trap; the log line is the diagnostic. The text follows the
// `panicked at '<payload>', <location>` shape of the reference adder blob, so a host that
// extracts the payload reads ours the same way.

import { ext_logging_log_version_1 } from './env';

/** The message being built; panics are rare and short, so one static buffer serves. */
const MESSAGE_CAPACITY: usize = 1024;
const MESSAGE: usize = memory.data(<i32>MESSAGE_CAPACITY);
let length: usize = 0;

/** Appends the ASCII text of `s` (string literals are static data: nothing is allocated). */
export function text(s: string): void {
  for (let i = 0; i < s.length && length < MESSAGE_CAPACITY; i++) {
    store<u8>(MESSAGE + length++, <u8>s.charCodeAt(i));
  }
}

/** Appends `n` in decimal. */
export function decimal(n: u64): void {
  let divisor: u64 = 1;
  while (n / divisor >= 10) divisor *= 10;
  for (; divisor > 0; divisor /= 10) {
    if (length < MESSAGE_CAPACITY) store<u8>(MESSAGE + length++, <u8>(48 + ((n / divisor) % 10)));
  }
}

/** Appends `[a, b, ...]`, Rust's `Debug` of a byte array. */
export function byteArray(ptr: usize, len: usize): void {
  text('[');
  for (let i: usize = 0; i < len; i++) {
    if (i > 0) text(', ');
    decimal(load<u8>(ptr + i));
  }
  text(']');
}

/** Starts a panic message: everything appended up to `raise` is the payload. */
export function begin(): void {
  length = 0;
  text("panicked at '");
}

/** Ends the message with the location, logs it and traps. */
export function raise(location: string): void {
  text("', ");
  text(location);
  const target = memory.data<u8>([0x72, 0x75, 0x6e, 0x74, 0x69, 0x6d, 0x65]); // "runtime"
  ext_logging_log_version_1(0, fat(target, 7), fat(MESSAGE, length));
  unreachable();
}

/** Panics with a plain payload, as `expect`/`panic!` in the reference would. */
export function panic(payload: string, location: string): void {
  begin();
  text(payload);
  raise(location);
}

/**
 * The compiler's `abort` (reached only by a failed `assert` or a runtime error, never by the
 * PVFs' own checks): wired in with `--use abort=...` so the module imports no `env.abort`.
 */
export function abortHandler(
  message: string | null,
  fileName: string | null,
  _line: u32,
  _column: u32,
): void {
  begin();
  if (message !== null) text(message);
  raise(fileName !== null ? fileName : 'unknown');
}

function fat(ptr: usize, len: usize): i64 {
  return (<i64>ptr) | ((<i64>len) << 32);
}
