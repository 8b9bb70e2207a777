// Memory recycling (runtime/engine/memory-pool.ts) as a wasi-p1 guest sees it: a 17-page
// memory, as a Rust guest's 1 MiB default stack gives, dirtied everywhere by every call (the
// stack top, a data segment, the last byte), by calls that end normally, trap or grow memory.
// Every call must still read zeros where it did not write, its data segments as declared, and
// its globals at their initial values: what a fresh instance with a fresh memory gives.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTOR_PARAMS } from '../../../runtime/engine/index.js';
import { prepareWasiP1, validateBlockWasiP1 } from '../../../runtime/wasi/preview1/pvf.js';
import { wat } from '../../support/wasi-pvfs.js';

const PAGES = 17;
const STACK_TOP = 16 * 65536; // where a 1 MiB Rust stack starts growing down
const LAST = PAGES * 65536 - 1;

/**
 * validate_block by the first params byte: 0 → ok, head = 8 bytes below STACK_TOP ‖ the data
 * byte at 100 ‖ the last byte of memory ‖ a global counter after incrementing it; then it
 * writes 0xff over all of them. 1 → the same writes, then a trap. 2 → grows memory by a page
 * first, then like 0.
 */
const GUEST = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") ${PAGES})
  (global $count (mut i32) (i32.const 0))
  (data (i32.const 100) "\\2a")
  (func $dirty
    (i64.store (i32.const ${STACK_TOP - 8}) (i64.const -1))
    (i32.store8 (i32.const 100) (i32.const 0xff))
    (i32.store8 (i32.const ${LAST}) (i32.const 0xff)))
  (func (export "pvf_alloc") (param i32) (result i32) (i32.const 8192))
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $op i32)
    (local.set $op (i32.load8_u (local.get $ptr)))
    (if (i32.eq (local.get $op) (i32.const 1)) (then (call $dirty) unreachable))
    (if (i32.eq (local.get $op) (i32.const 2)) (then (drop (memory.grow (i32.const 1)))))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    ;; ValidationResult at 4096: compact(14) = 0x38, 14 head bytes, 11 zero bytes
    (i32.store8 (i32.const 4096) (i32.const 0x38))
    (i64.store (i32.const 4097) (i64.load (i32.const ${STACK_TOP - 8})))
    (i32.store8 (i32.const 4105) (i32.load8_u (i32.const 100)))
    (i32.store8 (i32.const 4106) (i32.load8_u (i32.const ${LAST})))
    (i32.store (i32.const 4107) (global.get $count))
    (call $dirty)
    (i64.const ${(26n << 32n) | 4096n})))`;

describe('memory recycling', () => {
  it('a wasi-p1 guest reads zeros, its data and fresh globals on every call', async () => {
    const p = prepareWasiP1(await wat(GUEST), DEFAULT_EXECUTOR_PARAMS);
    if (p.kind !== 'prepared') throw new Error(p.message);
    const fresh = [0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0x2a, 0, 1, 0, 0, 0, ...new Array(11).fill(0)];
    for (const op of [0, 0, 1, 0, 2, 0, 1, 1, 0, 0]) {
      const o = validateBlockWasiP1(p.prepared, Uint8Array.of(op));
      if (op === 1) expect(o).toMatchObject({ kind: 'invalid', reason: 'unreachable' });
      else expect(o.kind === 'valid' ? [...o.result] : o).toEqual(fresh);
    }
    // The pool holds one zeroed memory of the initial size (the grown one was dropped).
    expect(p.prepared.pool.spare?.buffer.byteLength).toBe(PAGES * 65536);
  });
});
