// A wasi-p1 PVF using bulk memory and reference types end to end: passive data, memory.init,
// memory.fill, table.set of a ref.func and call_indirect through it, after the engine's memory
// rewrite (the memory becomes an import capped at maxMemoryPages) and in a fresh instance each
// time, so the dropped-or-not state of segments never leaks between validations.
import { expect, it } from 'vitest';
import { p1Validator, resultWithHead, wat } from '../../support/wasi-pvfs.js';
it('runs bulk-memory and reference-types code, the same result each time', async () => {
  const result = resultWithHead(new Uint8Array([7, 7]));
  const hexs = [...result].map((b) => '\\' + b.toString(16).padStart(2, '0')).join('');
  const run = p1Validator(
    await wat(`(module
    (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
    (memory (export "memory") 1)
    (data $r "${hexs}")
    (table 2 funcref) (elem declare func $len)
    (func $len (result i32) (i32.const ${result.length}))
    (type $t (func (result i32)))
    (func (export "pvf_alloc") (param i32) (result i32) (i32.const 4096))
    (func (export "validate_block") (param i32 i32) (result i64)
      (memory.init $r (i32.const 100) (i32.const 0) (i32.const ${result.length}))
      (memory.fill (i32.const 0) (i32.const 0) (i32.const 8))
      (table.set (i32.const 1) (ref.func $len))
      (i64.or (i64.const 100) (i64.shl (i64.extend_i32_u (call_indirect (type $t) (i32.const 1))) (i64.const 32)))))`),
  );
  const a = run(new Uint8Array([1]));
  expect(a).toMatchObject({ kind: 'valid', result });
  expect(run(new Uint8Array([1]))).toEqual(a);
});
