// The freeing-bump allocator of freeing-bump.ts as a wasm module of our own, instantiated on the
// guest's memory, so the guest's `ext_allocator_malloc`/`free` calls go from wasm to wasm
// instead of into JavaScript. A full Asset Hub block makes about 760,000 of them; through
// JavaScript they were the largest share of host time after the signatures (README Performance).
//
// Same behaviour, check for check: the code below is freeing-bump.ts's `allocate`, `deallocate`
// and `bump` in the same order (each check carries the reference's error, see that file for the
// sc-allocator lines), sizes and bounds computed in i64 as the reference computes them in u64.
// An error poisons the allocator, then calls the imported `fail`, which throws the same
// `AllocatorError` freeing-bump.ts throws: it unwinds through the guest like any host trap. The
// free-list heads are 23 globals (a module of its own has no memory but the guest's, and the
// guest must not see them), read and written through a `br_table`. freeing-bump.ts stays the
// oracle: test/runtime/engine/freeing-bump-wasm.test.ts runs both on random and hostile sequences
// and compares results, errors, memory and statistics.
//
// The texts below are function bodies; wasm-host.ts assembles them, with the twox functions,
// into the module one instance of which serves each memory.
import { AllocatorError, MAX_POSSIBLE_ALLOCATION } from './freeing-bump.js';
import { HostTrap } from './traps.js';

export const N_ORDERS = 23;

/** The allocator's globals after the 23 heads (wasm-host.ts lays them out in this order). */
export const ALLOCATOR_GLOBALS = [
  ['bumper', 'i64'],
  ['base', 'i64'], // the aligned original heap base
  ['allocated', 'i64'],
  ['peak', 'i64'],
  ['sum', 'i64'],
  ['mallocs', 'i32'], // successful allocations since `start` (instance.ts decides by it)
  ['maxPages', 'i32'],
  ['poisoned', 'i32'],
  ['active', 'i32'],
] as const;

/** What `fail(code, 0, 0)` throws; codes 1–11 follow a poisoning (`err`), 12–13 do not. */
export const ALLOCATOR_ERRORS: Readonly<Record<number, () => Error>> = {
  1: () => other('the allocator has been poisoned'),
  2: () => new AllocatorError('out-of-memory', 'Requested allocation size is too large'),
  3: () => other('Invalid header pointer detected'),
  4: () => other('read out of heap bounds'),
  5: () => other('invalid order'),
  6: () => other('free list points to a occupied header'),
  7: () => new AllocatorError('out-of-memory', 'Allocator ran out of space'),
  8: () => other('write out of heap bounds'),
  9: () => other('Invalid pointer for deallocation'),
  10: () => other('the allocation points to an empty header'),
  11: () => other('underflow of the currently allocated bytes count'),
  12: () => notRunning('ext_allocator_malloc_version_1'),
  13: () => notRunning('ext_allocator_free_version_1'),
};
const other = (msg: string) => new AllocatorError('host-error', `allocator: ${msg}`);

/** link.ts's error for a host call outside an entry point (a start function's). */
export const notRunning = (name: string) =>
  new HostTrap('host-error', `${name} called while no entry point is running (start function)`);

/** `if <condition on the stack>: err(code)` (poisons) or `fail(code, 0, 0)` (does not). */
export const trapIf = (code: number, poison = true) =>
  poison
    ? `if\n i32.const ${code}\n call $err\n unreachable\nend`
    : `if\n i32.const ${code}\n i32.const 0\n i32.const 0\n call $fail\n unreachable\nend`;

/** `value > memSize` for an i64 `value` computed by `expr`. */
const past = (expr: string) => `${expr}\nlocal.get $memSize\ni64.gt_u`;

/** `err(code)`: poison, then `fail(code, 0, 0)`. */
export const ERR = `
  i32.const 1
  global.set $poisoned
  local.get $code
  i32.const 0
  i32.const 0
  call $fail
`;

/** `order.size() + HEADER_SIZE` for the order in `$order`, as an i64 on the stack. */
const CHUNK = 'i64.const 8\nlocal.get $order\ni64.extend_i32_u\ni64.shl\ni64.const 8\ni64.add';

/** The memory's size in bytes, as an i64, into `$memSize`. */
const MEM_SIZE = 'memory.size\ni64.extend_i32_u\ni64.const 16\ni64.shl\nlocal.set $memSize';

/**
 * How `malloc` and `free` start: trap (`notRunning`, no poisoning) outside an entry point, refuse
 * a poisoned allocator, read the memory's size once (`observeMemorySize`; a wasm memory cannot
 * shrink, so the reference's "memory shrank" check cannot fire here).
 */
const prologue = (notRunning: number) => `
  global.get $active
  i32.eqz
  ${trapIf(notRunning, false)}
  global.get $poisoned
  ${trapIf(1, false)}
  ${MEM_SIZE}`;

/** `malloc(size) -> ptr`. */
export const MALLOC = `
  ${prologue(12)}
  ;; Order::from_size
  local.get $size
  i32.const ${MAX_POSSIBLE_ALLOCATION}
  i32.gt_u
  ${trapIf(2)}
  i32.const 29
  local.get $size
  i32.const 8
  local.get $size
  i32.const 8
  i32.gt_u
  select
  i32.const 1
  i32.sub
  i32.clz
  i32.sub
  local.set $order
  ${CHUNK}
  local.set $chunk
  local.get $order
  call $getHead
  local.tee $hdr
  i32.const -1
  i32.ne
  if
    ${past('local.get $hdr\ni64.extend_i32_u\nlocal.get $chunk\ni64.add')}
    ${trapIf(3)}
    ${past('local.get $hdr\ni64.extend_i32_u\ni64.const 8\ni64.add')}
    ${trapIf(4)}
    local.get $hdr
    i32.load offset=4
    i32.const 1
    i32.and
    if
      local.get $hdr
      i32.load
      i32.const ${N_ORDERS}
      i32.ge_u
      ${trapIf(5)}
      i32.const 6
      call $err
      unreachable
    end
    local.get $order
    local.get $hdr
    i32.load
    call $setHead
  else
    ;; bump
    ${past('global.get $bumper\nlocal.get $chunk\ni64.add\nlocal.tee $required')}
    if
      memory.size
      i64.extend_i32_u
      local.set $pages
      global.get $maxPages
      i64.extend_i32_u
      local.set $maxPages
      local.get $pages
      local.get $maxPages
      i64.ge_u
      local.get $required
      i64.const 65535
      i64.add
      i64.const 16
      i64.shr_u
      local.tee $requiredPages
      local.get $maxPages
      i64.gt_u
      i32.or
      ${trapIf(7)}
      ;; next = max(min(pages * 2, maxPages), requiredPages)
      local.get $pages
      i64.const 1
      i64.shl
      local.tee $next
      local.get $maxPages
      local.get $next
      local.get $maxPages
      i64.lt_u
      select
      local.tee $next
      local.get $requiredPages
      local.get $next
      local.get $requiredPages
      i64.gt_u
      select
      local.get $pages
      i64.sub
      i32.wrap_i64
      memory.grow
      i32.const -1
      i32.eq
      ${trapIf(7)}
      ${MEM_SIZE}
    end
    global.get $bumper
    i32.wrap_i64
    local.set $hdr
    global.get $bumper
    local.get $chunk
    i64.add
    global.set $bumper
  end
  ;; Header::write_into(Occupied(order))
  ${past('local.get $hdr\ni64.extend_i32_u\ni64.const 8\ni64.add')}
  ${trapIf(8)}
  local.get $hdr
  local.get $order
  i32.store
  local.get $hdr
  i32.const 1
  i32.store offset=4
  global.get $allocated
  local.get $chunk
  i64.add
  global.set $allocated
  global.get $sum
  local.get $chunk
  i64.add
  global.set $sum
  global.get $mallocs
  i32.const 1
  i32.add
  global.set $mallocs
  global.get $allocated
  global.get $peak
  i64.gt_u
  if
    global.get $allocated
    global.set $peak
  end
  local.get $hdr
  i32.const 8
  i32.add
`;

/** `free(ptr)`. */
export const FREE = `
  ${prologue(13)}
  local.get $ptr
  i32.const 8
  i32.lt_u
  ${trapIf(9)}
  local.get $ptr
  i32.const 8
  i32.sub
  local.set $hdr
  ;; Header::read_from
  ${past('local.get $hdr\ni64.extend_i32_u\ni64.const 8\ni64.add')}
  ${trapIf(4)}
  local.get $hdr
  i32.load offset=4
  i32.const 1
  i32.and
  i32.eqz
  ${trapIf(10)}
  local.get $hdr
  i32.load
  local.tee $order
  i32.const ${N_ORDERS}
  i32.ge_u
  ${trapIf(5)}
  ;; link the chunk in front of its list
  local.get $order
  call $getHead
  local.set $prev
  local.get $order
  local.get $hdr
  call $setHead
  ${past('local.get $hdr\ni64.extend_i32_u\ni64.const 8\ni64.add')}
  ${trapIf(8)}
  local.get $hdr
  local.get $prev
  i32.store
  local.get $hdr
  i32.const 0
  i32.store offset=4
  ;; the count last, as the reference updates it
  ${CHUNK}
  local.tee $chunk
  global.get $allocated
  i64.gt_u
  ${trapIf(11)}
  global.get $allocated
  local.get $chunk
  i64.sub
  global.set $allocated
`;

/** `start(base, maxPages)`: `FreeingBumpHeapAllocator::new`, and calls are served. */
export const START = `
  ${Array.from({ length: N_ORDERS }, (_, i) => `i32.const -1\nglobal.set $head${i}`).join('\n')}
  ;; (heap_base + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT, in u32 (alignHeapBase)
  local.get $base
  i32.const 7
  i32.add
  i32.const -8
  i32.and
  i64.extend_i32_u
  local.tee $aligned
  global.set $bumper
  local.get $aligned
  global.set $base
  i64.const 0
  global.set $allocated
  i64.const 0
  global.set $peak
  i64.const 0
  global.set $sum
  i32.const 0
  global.set $mallocs
  local.get $maxPages
  global.set $maxPages
  i32.const 0
  global.set $poisoned
  i32.const 1
  global.set $active
`;

/** `stop()`: the call has ended; until the next `start`, calls trap. */
export const STOP = 'i32.const 0\nglobal.set $active';

/** A `br_table` over the heads: `get` returns heads[order], else sets heads[order] = value. */
export function headSwitch(get: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < N_ORDERS; i++) lines.push('block');
  lines.push('local.get 0');
  lines.push(`br_table ${Array.from({ length: N_ORDERS }, (_, i) => i).join(' ')} ${N_ORDERS - 1}`);
  for (let i = 0; i < N_ORDERS; i++) {
    lines.push('end');
    if (get) lines.push(`global.get $head${i}`, 'return');
    else lines.push('local.get 1', `global.set $head${i}`, 'return');
  }
  return lines.join('\n');
}
