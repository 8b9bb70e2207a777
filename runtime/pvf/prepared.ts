// One shape for a prepared PVF of any ABI, so the worker serves them all with the same code:
// the Substrate ABI (../engine), `wasi-p1` and `component` (../wasi). Each implementation runs
// every validation in a fresh instance, recycles memory through ../engine/memory-pool.ts and
// checks results through ../engine/result-check.ts.
import type { CallOutcome, EngineOutcome, PrepareError } from '../engine/types.js';

export type PvfAbi = 'substrate' | 'wasi-p1' | 'component';

export interface PreparedPvf {
  readonly abi: PvfAbi;
  /** `validate_block` on SCALE `ValidationParams` bytes, in a fresh instance. */
  validate(params: Uint8Array): EngineOutcome;
  /** A runtime call `fn(input)` (`(i32, i32) -> i64`): only the Substrate ABI has them. */
  readonly call?: (fn: string, input: Uint8Array) => CallOutcome;
  /** The precheck's construction test: why creating an instance fails, or undefined. */
  constructionError(): string | undefined;
  /**
   * Makes the next call's fresh instance ahead of it, while the worker has nothing else to do
   * (engine/standby.ts); the guest sees the same fresh state as without. Optional: an ABI
   * without it makes each instance when the call starts.
   */
  readonly standby?: () => void;
}

export type PvfPrepareOutcome =
  { readonly kind: 'prepared'; readonly prepared: PreparedPvf } | PrepareError;
