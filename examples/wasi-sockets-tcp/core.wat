;; Core module of an adversarial `component` PVF (world `pvf-tcp` in examples/wit/pvf.wit):
;; validate-block opens a TCP socket through wasi:sockets/tcp-create-socket. The host must
;; refuse the component at prepare ("PVFs may not use the network"), and its import map has no
;; wasi:sockets interface to link even if asked.
(module
  ;; create-tcp-socket(address-family) -> result<own<tcp-socket>, error-code>, via a return area
  (import "wasi:sockets/tcp-create-socket@0.2.3" "create-tcp-socket" (func $create (param i32 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (func (export "validate-block") (param i32 i32) (result i32)
    (call $create (i32.const 0) (i32.const 32)) ;; ipv4
    ;; ok(empty list): not a ValidationResult, but it never gets this far
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (i32.const 0))
    (i32.store (i32.const 24) (i32.const 0))
    (i32.const 16)))
