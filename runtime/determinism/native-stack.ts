// The native stack guest code runs on, sized so that V8's own stack limit can never decide an
// outcome: the instrumented logical limit (instrument.ts) must always trap first.
//
// Reference: the execute job runs on a thread with `2 MiB + native_stack_max` of stack and
// wasmtime's `max_wasm_stack(native_stack_max)`, `DeterministicStackLimit { logical_max:
// 65536, native_stack_max: 256 MiB }` (paritytech/polkadot-sdk polkadot/node/core/pvf/common/
// src/executor_interface.rs:76–79 @0646724e, `DEFAULT_CONFIG`; execute-worker/src/lib.rs), and
// executor parameters must keep `StackNativeMax >= 128 * StackLogicalMax` (polkadot/primitives
// executor_params.rs, `check_consistency`): the reference budgets 128 native bytes per logical
// unit.
//
// Measured on Node 20.20.2 / x86-64 (test/support/stack-probe.mjs, instrumented modules,
// each n = the deepest recursion the logical limit allows):
// - V8's default main-thread stack is 984 KiB (`--stack-size`); a worker thread's is
//   `resourceLimits.stackSizeMb` (4 MiB by default) minus 192 KiB. `--stack-size` does not
//   affect worker threads.
// - Frames: ~40 B per minimal recursive frame optimized, ~56 B under Liftoff; a 64-parameter
//   function ~0.5 KiB optimized, ~1 KiB Liftoff.
// - Worst shape found: recursion through `call_indirect` (each level adds an uncharged thunk
//   frame) with 64 parameters: 962 levels reach the logical limit and need more than 2 MiB and
//   at most 3 MiB under Liftoff, i.e. ≈ 45 B per logical unit; direct recursion needs ≤ 2 MiB.
//   With 1 MiB both shapes end in V8's RangeError before the logical trap (a real divergence).
// So 128 B per unit (the reference's own budget, ~2.8× the worst measured) plus 8 MiB for host
// functions running at the deepest point is what guest code gets: 16 MiB for the default
// 65,536 units, 24 MiB for the largest accepted `StackLogicalMax` (131,072).
//
// Two ways to give guest code that stack (measured with a postMessage / Atomics round-trip loop
// and the probe above):
// - a worker thread with `resourceLimits: { stackSizeMb }` — works wherever Node runs; costs
//   ~28 ms once to start, and per job either nothing (the worker's whole job loop runs on that
//   thread) or ~25-30 µs (postMessage round trip) / ~10-13 µs (Atomics hand-off) if only guest
//   calls are delegated;
// - the process's main thread with `--stack-size` and RLIMIT_STACK raised before execve
//   (glibc grows the main stack up to RLIMIT_STACK): no cost at all, but if the limit is not
//   raised V8 believes it has stack it does not and the process dies of SIGSEGV (exit 139)
//   instead of throwing RangeError.
// The worker uses the first, with its whole loop on the thread (runtime/worker.ts): no work per
// job, nothing the launcher must get right, the same in every sandbox mode. Measured through one
// unsealed worker process, 3 × 1000 adder validations (worker CPU from /proc): our adder, whose
// memory is recycled, costs the same on the thread (77 µs vs 73-77 µs); the reference adder
// blob, which grows its memory on every call and so gets a new WebAssembly.Memory each time,
// costs ~40 % more (460-540 µs vs 340-370 µs): V8 runs more major GCs for that external memory
// on a worker thread (72-107 vs 55 mark-compacts per 3000 validations; in-process loops without
// the worker's blocking reads show no difference). The main-thread alternative (RLIMIT_STACK +
// `--stack-size`) measured 347-367 µs there and traps at the same depths. Executor parameters
// (and so `StackLogicalMax`) arrive with each job, but a thread's stack is fixed when it
// starts, so the thread is sized once for the largest value the reference accepts
// ({@link GUEST_THREAD_STACK_MB}): the reservation is address space, and only the pages a guest
// actually touches become memory.

import { LOGICAL_STACK_MAX_HI } from './limits.js';

/** The reference's native-stack budget per logical unit (`StackNativeMax >= 128 * logical`). */
export const NATIVE_BYTES_PER_LOGICAL_UNIT = 128;
/** Stack kept for host functions (JS) called at the deepest logical point. */
export const HOST_STACK_HEADROOM_BYTES = 8 * 1024 * 1024;
const MIB = 1024 * 1024;

/** Native stack bytes guest code needs under a logical limit of `logicalMax` units. */
export function guestStackBytes(logicalMax: number): number {
  return logicalMax * NATIVE_BYTES_PER_LOGICAL_UNIT + HOST_STACK_HEADROOM_BYTES;
}

/** `resourceLimits.stackSizeMb` for a worker thread that runs guest code. */
export function guestStackSizeMb(logicalMax: number): number {
  return Math.ceil(guestStackBytes(logicalMax) / MIB) + 1; // + Node's 192 KiB reserve, rounded
}

/**
 * `resourceLimits.stackSizeMb` of the worker's loop thread: enough for any accepted
 * `StackLogicalMax` (131072 units → 25 MiB).
 */
export const GUEST_THREAD_STACK_MB = guestStackSizeMb(LOGICAL_STACK_MAX_HI);

/**
 * For running guest code on a process's main thread instead: the RLIMIT_STACK the launcher
 * must set before execve and the `--stack-size` (KiB) to pass to node. The rlimit exceeds
 * V8's limit by 8 MiB for what lies above the stack's start (environment, arguments) and V8's
 * own margin.
 */
export function mainThreadStack(logicalMax: number): {
  rlimitStackBytes: number;
  nodeFlag: string;
} {
  const bytes = guestStackBytes(logicalMax);
  return { rlimitStackBytes: bytes + 8 * MIB, nodeFlag: `--stack-size=${Math.ceil(bytes / 1024)}` };
}
