;; Adversarial `wasi-p1` PVF: a well-formed ABI 1 module that imports every preview1 socket
;; function and sends to fd 3 when run. The host must refuse it at prepare, naming the imports
;; ("PVFs may not use the network"), and linking must fail too: the host's preview1 import
;; object has no sock_* function at all.
(module
  (import "wasi_snapshot_preview1" "sock_accept" (func $sock_accept (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_recv" (func $sock_recv (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_send" (func $sock_send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "pvf_alloc") (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (local.get $p) (local.get $len)))
    (local.get $p))
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    ;; iovec {ptr, len} at 0: send the params to whatever fd 3 is
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $sock_send (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 8)))
    (i64.const 0)))
