;; Core module of an adversarial `component` PVF (world `pvf-http` in examples/wit/pvf.wit):
;; validate-block sends an HTTP request through wasi:http/outgoing-handler. The host must
;; refuse the component at prepare ("PVFs may not use the network"), and its import map has no
;; wasi:http interface to link even if asked.
(module
  ;; handle(request: own<outgoing-request>, options: option<own<request-options>>)
  ;;   -> result<own<future-incoming-response>, error-code>, via a return area
  (import "wasi:http/outgoing-handler@0.2.3" "handle" (func $handle (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (local.get $p) (local.get 3)))
    (local.get $p))
  (func (export "validate-block") (param i32 i32) (result i32)
    (call $handle (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64))
    (i32.store8 (i32.const 16) (i32.const 0))
    (i32.store (i32.const 20) (i32.const 0))
    (i32.store (i32.const 24) (i32.const 0))
    (i32.const 16)))
