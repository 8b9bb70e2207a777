// What a host function sees of the execution it serves, and how host functions are declared.
// Host functions are plain functions of (context, ...wasm arguments); the engine builds the
// import object once per prepared module and swaps the context per execution.
import type { HeapAllocator } from '../engine/freeing-bump.js';
import type { GuestMemory } from '../engine/memory.js';
import type { LogSink } from './log-sink.js';

/** Per-execution state handed to every host function call. */
export interface HostContext {
  readonly memory: GuestMemory;
  readonly allocator: HeapAllocator;
  readonly logs: LogSink;
  /** sp-core `LogLevelFilter` reported to the guest (0 off … 5 trace). */
  readonly maxLogLevel: number;
  /**
   * sp-io's `VerificationExtDeprecated`: registered by `start_batch_verify`, it ANDs the result
   * of every `*_batch_verify` until `finish_batch_verify`. One per execution, like the
   * reference's externalities.
   */
  batchVerify: boolean | undefined;
  /**
   * sp-core `ReadRuntimeVersion` as Polkadot's PVF host implements it: the SCALE-encoded
   * `RuntimeVersion` embedded in the given (possibly compressed) code, or undefined when it
   * cannot be read. Supplied by the engine so host code does not depend on it.
   */
  readonly readRuntimeVersion: (code: Uint8Array) => Uint8Array | undefined;
}

/** A wasm value type of the PVF ABI (MVP, no floats cross the host boundary). */
export type ValType = 'i32' | 'i64';

/** A host function's exact wasm signature; the engine refuses imports declaring another. */
export interface Signature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** i32 arguments arrive as JS numbers (signed), i64 as BigInts (signed). */
export type WasmArg = number | bigint;
export type WasmRet = number | bigint | void;

export interface HostFunction {
  readonly signature: Signature;
  readonly call: (ctx: HostContext, ...args: WasmArg[]) => WasmRet;
}

/** A family of host functions keyed by their exact `env` import names. */
export type HostFamily = Readonly<Record<string, HostFunction>>;

export const sig = (spec: string): Signature => {
  const m = /^\(([^)]*)\)->(i32|i64)?$/.exec(spec);
  if (!m) throw new Error(`bad signature spec ${spec}`);
  const params = m[1] ? (m[1].split(',') as ValType[]) : [];
  return { params, results: m[2] ? [m[2] as ValType] : [] };
};

/**
 * Declares a host function with its wasm signature written as `(i32,i64)->i32` (`()->` for
 * none). The argument types of `call` must agree with the signature.
 */
export function host<A extends WasmArg[]>(
  spec: string,
  call: (ctx: HostContext, ...args: A) => WasmRet,
): HostFunction {
  return { signature: sig(spec), call: call as HostFunction['call'] };
}
