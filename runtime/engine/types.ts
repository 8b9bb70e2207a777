// The engine's public types: executor options, the prepared module and the outcome unions.
// The worker and the validation host depend on these shapes; change them only additively.
import { DEFAULT_LOGICAL_STACK_MAX, stackLogicalMaxProblem } from '../determinism/limits.js';
import type { MemoryPool } from './memory-pool.js';
import type { Standby } from './standby.js';

/**
 * Executor options, validated once by {@link checkExecutorParams}. Defaults match Polkadot's
 * PVF executor (`polkadot/node/core/pvf/common/src/executor_interface.rs:53–97` @0646724e,
 * `DEFAULT_CONFIG`).
 */
export interface ExecutorParams {
  /**
   * Maximum linear memory of an instance, in 64 KiB wasm pages, for either memory shape
   * (imported `env.memory` or an exported `memory`). Default 2080 = sc-executor's
   * `DEFAULT_HEAP_PAGES_ESTIMATE` (32) + `EXTRA_HEAP_PAGES` (2048). The on-chain executor
   * parameter `MaxMemoryPages(n)` maps to `n + 32` (executor_interface.rs adds the estimate).
   */
  readonly maxMemoryPages: number;
  /**
   * Bytes of log text (target + message) captured per execution; later records are counted
   * in `logsDropped` and discarded, so a guest cannot exhaust host memory. Default 64 KiB.
   * Not consensus: the reference discards PVF logs.
   */
  readonly maxLogBytes: number;
  /**
   * What `ext_logging_max_level_version_1` reports (sp-core `LogLevelFilter`: 0 off, 1 error …
   * 5 trace). Default 0: Polkadot's PVF logging interface reports `Off` unless logging is
   * explicitly enabled (`polkadot/node/core/pvf/common/src/custom_host_functions.rs`). Runtimes
   * branch on it, so validators must agree: change it only for debugging.
   */
  readonly maxLogLevel: 0 | 1 | 2 | 3 | 4 | 5;
  /**
   * The logical stack limit the module is instrumented with (runtime/determinism): the
   * executor parameter `StackLogicalMax`, default 65536 (`DEFAULT_LOGICAL_STACK_MAX`), within
   * the reference's [`LOGICAL_MAX_LO`, `LOGICAL_MAX_HI`] = [1024, 131072]
   * (polkadot/primitives executor_params.rs). Deep recursion traps at exactly this point on
   * every machine; the worker's guest stack is sized for the largest accepted value
   * (runtime/determinism/native-stack.ts), so any value here is safe to run.
   */
  readonly stackLogicalMax: number;
}

/** The reference's `MEMORY_PAGES_MAX` upper bound and the wasm32 page limit. */
export const MEMORY_PAGES_LIMIT = 65536;

export const DEFAULT_EXECUTOR_PARAMS: ExecutorParams = Object.freeze({
  maxMemoryPages: 32 + 2048,
  maxLogBytes: 64 * 1024,
  maxLogLevel: 0,
  stackLogicalMax: DEFAULT_LOGICAL_STACK_MAX,
});

/** One `ext_logging_log` call. Levels are sp-core's `LogLevel`: 1 error … 5 trace. */
export interface LogRecord {
  readonly level: 1 | 2 | 3 | 4 | 5;
  readonly target: string;
  readonly message: string;
}

/** What made a candidate invalid, from the guest's point of view. */
export type TrapKind =
  /**
   * The wasm `unreachable` instruction ran: how a Rust panic ends after logging, and how the
   * logical stack limit traps (the instrumented check is `if unreachable end`, as in the
   * reference, where deep recursion is the same `unreachable` trap).
   */
  | 'unreachable'
  /** A memory access outside linear memory, or a bad (ptr, len) handed to a host function. */
  | 'out-of-bounds'
  /** The host allocator was exhausted or refused a size, or memory could not grow. */
  | 'out-of-memory'
  /** The guest called an import the PVF host does not serve (a stub). */
  | 'unresolved-import'
  /** The returned range lies outside memory, or its bytes are not a `ValidationResult`. */
  | 'bad-result'
  /** The runtime aborted through `ext_panic_handler_abort_on_panic_version_1`. */
  | 'panic'
  /**
   * The entry point is missing or is not `(i32, i32) -> i64`, or the instance lacks what the
   * reference reads before calling it: an i32 `__heap_base`, a memory exported as `memory`.
   */
  | 'bad-entry-point'
  /** A host function refused its input the way the reference does (e.g. non-UTF-8 text). */
  | 'host-error'
  /** Any other wasm trap: division by zero, integer overflow, bad indirect call, … */
  | 'trap';

/** Every `TrapKind` once (the compiler refuses a missing or extra one). */
const TRAP_KIND_SET = {
  unreachable: true,
  'out-of-bounds': true,
  'out-of-memory': true,
  'unresolved-import': true,
  'bad-result': true,
  panic: true,
  'bad-entry-point': true,
  'host-error': true,
  trap: true,
} as const satisfies Record<TrapKind, true>;

/** Whether `s` is a `TrapKind`: decoders of untrusted input (the worker protocol) refuse others. */
export const isTrapKind = (s: string): s is TrapKind => Object.hasOwn(TRAP_KIND_SET, s);

export interface EngineInvalidOutcome {
  readonly kind: 'invalid';
  readonly reason: TrapKind;
  /** The runtime's panic message when it logged or aborted with one, else the trap's text. */
  readonly message: string;
  readonly logs: readonly LogRecord[];
  readonly logsDropped: number;
}

/** A host fault or a bug (never the candidate's fault): the caller must not vote on it. */
export interface EngineInternalError {
  readonly kind: 'internal-error';
  readonly message: string;
}

/** The result of `validate_block`. */
export type EngineOutcome =
  | {
      readonly kind: 'valid';
      /** Raw SCALE `ValidationResult` bytes, already checked to decode strictly. */
      readonly result: Uint8Array;
      readonly logs: readonly LogRecord[];
      readonly logsDropped: number;
    }
  | EngineInvalidOutcome
  | EngineInternalError;

/** The result of a generic runtime call (`Core_version`, `Metadata_metadata`, …). */
export type EngineCallOutcome =
  | {
      readonly kind: 'returned';
      /** The bytes at the returned (ptr, len), copied out of guest memory. */
      readonly output: Uint8Array;
      readonly logs: readonly LogRecord[];
      readonly logsDropped: number;
    }
  | EngineInvalidOutcome
  | EngineInternalError;

/** How the original module got its linear memory (both run the same way after preparation). */
export type MemoryShape =
  /** The module imported `env.memory` (Cumulus runtimes); `initialPages` is its minimum. */
  | { readonly kind: 'imported'; readonly initialPages: number }
  /** The module defined and exported `memory` (the adder). */
  | { readonly kind: 'exported'; readonly initialPages: number };

/** Whether an export can be called as a runtime entry point `(i32, i32) -> i64`. */
export type EntryPointCheck = 'ok' | 'not-a-function' | 'bad-signature';

/**
 * A compiled PVF, ready for any number of executions (each in a fresh instance). Produced only
 * by `prepare`; the fields are read by the engine and by diagnostics, never written.
 */
export interface PreparedModule {
  /** The compiled module (of the binary after memory setup and any instrumentation). */
  readonly module: WebAssembly.Module;
  readonly params: ExecutorParams;
  readonly memory: MemoryShape;
  /** Function imports the host does not serve; each is linked to a stub that traps if called. */
  readonly missingImports: readonly string[];
  /** Every exported name and whether it is a usable entry point. */
  readonly entryPoints: ReadonlyMap<string, EntryPointCheck>;
  /** Whether `__heap_base` is an exported i32 global (sc-executor's `extract_heap_base`). */
  readonly heapBase: 'ok' | 'missing' | 'not-a-global' | 'not-i32';
  /**
   * sc-executor-wasmtime `get_linear_memory`'s error when the instance does not export its
   * memory as `memory`: met after instantiating, so every execution is invalid (not a
   * preparation error; see memory-setup.ts).
   */
  readonly memoryExportProblem: string | undefined;
  /** The import object shared by every instance of this module (memory set per instance). */
  readonly imports: WebAssembly.Imports;
  /** Where the memory is imported from and its limits (see memory-setup.ts). */
  readonly memoryImport: {
    readonly module: string;
    readonly name: string;
    readonly initial: number;
    readonly maximum: number;
  };
  /**
   * Engine-owned memory hand-over (see execute.ts): `pool` recycles zeroed memories of exactly
   * `memoryImport.initial` pages left by finished calls; `next` is the memory the import
   * object gives the instance being created. Instantiating `module` with `imports` directly
   * (e.g. a construction check) gets a new memory of the right limits each time.
   */
  readonly memoryState: {
    readonly pool: MemoryPool;
    next: WebAssembly.Memory | undefined;
    /** The next call's instance, made while idle (standby.ts); each serves one call. */
    standby: Standby | undefined;
    /** Whether the next instance gets the wasm host functions (instance.ts). */
    wasmHost: boolean;
  };
  /** Whether the module has a start function (such a module gets no standby instance). */
  readonly hasStart: boolean;
  /** The slot through which this module's host functions find the running execution. */
  readonly slot: { ctx: unknown };
  /**
   * The imports linked to host functions that wasm-host.ts serves in wasm: each instance gets
   * those of its memory for them (instance.ts).
   */
  readonly wasmHostImports: readonly string[];
}

/** What preparation found wrong with the code (whether that is deterministic: the stage). */
export type PrepareErrorReason =
  /** Not valid wasm, or uses features outside the reference's configuration. */
  | 'invalid-wasm'
  /** Imports the reference cannot link: non-`env` modules, globals, tables, a bad memory. */
  | 'bad-import'
  /** An `env` import with a host function's name but a different signature. */
  | 'signature-mismatch'
  /** No usable linear memory (neither imported `env.memory` nor exported `memory`). */
  | 'no-memory'
  /** A WASI ABI's required exports are missing or have another type (runtime/wasi/). */
  | 'bad-export';

/**
 * Where the reference meets the same refusal, which decides how a validator may act on it
 * (polkadot/node/core/pvf/common/src/error.rs, `PrepareError::is_deterministic`):
 * - `prevalidation`: `RuntimeBlob::new` cannot deserialize the code (parity-wasm; malformed
 *   wasm or a construct outside its MVP feature set). Deterministic.
 * - `preparation`: `prepare_runtime_artifact` refuses it: the stack limiter cannot be
 *   injected, the memory cannot be set up, or wasmtime does not compile it. Deterministic.
 * - `runtime-construction`: only creating a runtime from the artifact fails
 *   (sc-executor-wasmtime `do_create_runtime`: `prepare_imports` refuses an import). Not
 *   deterministic in the reference, which meets it when prechecking
 *   (`runtime_construction_check`) or executing (`ExecuteError::RuntimeConstruction`).
 *   Instantiation itself (start function, data segments, the `memory` export) is never a
 *   preparation error: the reference meets it only when executing, as an invalid candidate.
 *   Also used when V8 refuses code past a limit only V8 has (runtime/determinism/
 *   impl-limits.ts): the reference would compile it, so the refusal must not be a vote.
 */
export type PrepareStage = 'prevalidation' | 'preparation' | 'runtime-construction';

/** A refusal of `prepare`, with the reference's stage (see {@link PrepareStage}). */
export interface PrepareError {
  readonly kind: 'prepare-error';
  readonly stage: PrepareStage;
  readonly reason: PrepareErrorReason;
  readonly message: string;
}

export type EnginePrepareOutcome =
  { readonly kind: 'prepared'; readonly prepared: PreparedModule } | PrepareError;

/** API misuse (bad options); never an outcome of untrusted input. */
export class ExecutorParamsError extends Error {
  override name = 'ExecutorParamsError';
}

/**
 * Checks options once, filling defaults.
 * @throws {ExecutorParamsError} naming the offending option.
 */
export function checkExecutorParams(params: Partial<ExecutorParams> = {}): ExecutorParams {
  const p = { ...DEFAULT_EXECUTOR_PARAMS, ...params };
  if (
    !Number.isInteger(p.maxMemoryPages) ||
    p.maxMemoryPages < 1 ||
    p.maxMemoryPages > MEMORY_PAGES_LIMIT
  )
    throw new ExecutorParamsError(
      `maxMemoryPages must be an integer in [1, ${MEMORY_PAGES_LIMIT}], got ${p.maxMemoryPages}`,
    );
  if (!Number.isInteger(p.maxLogBytes) || p.maxLogBytes < 0)
    throw new ExecutorParamsError(
      `maxLogBytes must be a non-negative integer, got ${p.maxLogBytes}`,
    );
  if (![0, 1, 2, 3, 4, 5].includes(p.maxLogLevel))
    throw new ExecutorParamsError(`maxLogLevel must be an integer in [0, 5], got ${p.maxLogLevel}`);
  const stack = stackLogicalMaxProblem(p.stackLogicalMax);
  if (stack !== undefined) throw new ExecutorParamsError(stack);
  return Object.freeze(p);
}

// Former names, kept as aliases while code outside the engine moves to the names above (the
// validation host's public outcome types use the plain names: `InvalidReason`, `CallOutcome`…).
/** @deprecated use {@link TrapKind} */
export type InvalidReason = TrapKind;
/** @deprecated use {@link EngineCallOutcome} */
export type CallOutcome = EngineCallOutcome;
