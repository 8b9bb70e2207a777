// The next call's instance, made while the worker waits for work: a zeroed memory of exactly
// `initial` pages from the module's pool, and a new instance of the module on it. The next
// call (execute.ts) takes it instead of making both itself; a call finding none makes them as
// before. What the guest sees is the same either way: instantiation only sets the globals,
// table and data segments from the module's constant expressions, runs no guest code (modules
// with a start function get no standby: that code would run outside any job and its time
// limit) and calls no host function, so an instance made a moment earlier is indistinguishable
// from one made at the start of the call. Each standby serves exactly one call.
//
// Measured (`npm run bench -- micro`, README Performance): on Polkadot's adder, whose memory
// grows on every call and so is never recycled, a fresh guarded memory and an instance are
// most of a validation's fixed cost beyond garbage collection.
import { type Instantiated, instantiate } from './instance.js';
import type { PreparedModule } from './types.js';

/** A fresh instance and its memory, made ahead of the call that will use it. */
export interface Standby extends Instantiated {
  readonly memory: WebAssembly.Memory;
}

/**
 * Makes the next call's instance, unless one is waiting or the module has a start function.
 * An instantiation that fails (a data segment out of bounds) leaves no standby: the call
 * meets the same failure itself, as an invalid outcome.
 */
export function makeStandby(prepared: PreparedModule): void {
  const state = prepared.memoryState;
  if (state.standby !== undefined || prepared.hasStart) return;
  const memory = state.pool.take();
  try {
    state.standby = { ...instantiate(prepared, memory), memory };
  } catch {
    // The data segments written before the failure are zeroed by the pool.
    state.pool.release(memory);
  }
}

/** The waiting instance, if any, handed to exactly one call. */
export function takeStandby(prepared: PreparedModule): Standby | undefined {
  const state = prepared.memoryState;
  const s = state.standby;
  state.standby = undefined;
  return s;
}
