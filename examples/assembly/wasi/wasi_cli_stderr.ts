// The WASI 0.2 functions the component adder imports, as core (canonical ABI) functions.
// AssemblyScript names an import after its file and function, and cannot spell WASI's
// interface names, so scripts/build-wasi-examples.ts renames them in the compiled module:
//   wasi_cli_stderr.get_stderr → wasi:cli/stderr@0.2.3 get-stderr
//   wasi_cli_stderr.blocking_write_and_flush →
//     wasi:io/streams@0.2.3 [method]output-stream.blocking-write-and-flush

/** `get-stderr: func() -> output-stream`: a stream handle. */
export declare function get_stderr(): i32;

/**
 * `output-stream.blocking-write-and-flush(self, contents: list<u8>) -> result<_, stream-error>`:
 * the result is written to the return area at `ret`.
 */
export declare function blocking_write_and_flush(
  stream: i32,
  ptr: usize,
  len: usize,
  ret: usize,
): void;
