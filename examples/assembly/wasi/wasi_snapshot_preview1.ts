// The preview1 functions the `wasi-p1` adder imports. A `declare`d function takes its import
// module from this file's name: `wasi_snapshot_preview1`.

/** `fd_write(fd, iovs, iovs_len, nwritten*) -> errno`. */
export declare function fd_write(fd: i32, iovs: usize, iovsLen: i32, nwritten: usize): i32;

/** `proc_exit(code)`: does not return. */
export declare function proc_exit(code: i32): void;
