// The determinism step of prepare: the reference's prevalidation, its feature set, its stack
// limiter and its NaN canonicalization, applied to a (decompressed) wasm module before V8
// compiles it. Order follows the reference (see features.ts, stack-cost.ts, instrument.ts):
// parse → one walk that refuses unsupported features (prevalidation), computes stack costs
// (a failure is a preparation error) and locates what the rewrite changes (analyze.ts) →
// what wasmtime would refuse to compile (preparation: its feature set, then wasmparser's
// implementation limits, impl-limits.ts) → rewrite.
import { parseModule } from '../wasm/sections.js';
import { WasmParseError } from '../wasm/reader.js';
import type { ModuleLayout, WasmModule } from '../wasm/types.js';
import { analyzeModule, type FeaturePolicy, gateCompilationFor } from './analyze.js';
import type { RefusalStage } from './features.js';
import { gcRefusal } from './wasi-features.js';
import { v8OnlyExcess, wasmparserLimitRefusal } from './impl-limits.js';
import { instrumentModule } from './instrument.js';
import { DEFAULT_LOGICAL_STACK_MAX, stackLogicalMaxProblem } from './limits.js';
import type { FeatureName } from '../wasm/opcodes.js';

export interface DeterminismOptions {
  /** `StackLogicalMax` (default {@link DEFAULT_LOGICAL_STACK_MAX}, range in limits.ts). */
  readonly stackLogicalMax?: number;
  /**
   * Canonicalize NaNs (default true, as the reference always does). Turning it off exists
   * only to measure its cost; validators must not.
   */
  readonly canonicalizeNans?: boolean;
  /**
   * The feature policy (default `substrate`, the reference's, which is consensus). `wasi` is
   * the WASI ABIs' own (wasi-features.ts): more proposals, the same stack limiter and NaN
   * canonicalization extended over them, tables capped.
   */
  readonly policy?: FeaturePolicy;
  /**
   * Fast paths for the guest's known memcpy/memmove/memset (bulk memory) and memcmp (words)
   * (mem-builtins.ts; default true). The guest cannot tell; off only to measure and test them.
   */
  readonly memBuiltins?: boolean;
}

export type DeterministicModule =
  | {
      readonly kind: 'instrumented';
      /** The module V8 must compile instead of the original. */
      readonly bytes: Uint8Array;
      /** Where `bytes`' sections are, and its imports, memories and exports (no re-parse). */
      readonly layout: ModuleLayout;
      /**
       * The parsed original. Its imports, types, globals and the types of its exports are
       * those of `bytes` too (the rewrite adds functions and globals after the existing ones
       * and points function exports at thunks of the same type).
       */
      readonly source: WasmModule;
      readonly thunks: number;
      readonly instrumentedCalls: number;
      readonly canonicalizedOps: number;
      /** How many functions got a bulk-memory fast path (mem-builtins.ts). */
      readonly memBuiltins: number;
      /**
       * Something only V8 may refuse (impl-limits.ts): if V8 does not compile `bytes`, the
       * reference would have, so the refusal must not be reported as the code's fault.
       */
      readonly v8Excess: string | undefined;
    }
  | {
      readonly kind: 'refused';
      /** The reference's class: `PrepareError::Prevalidation` or `::Preparation`. */
      readonly stage: RefusalStage;
      readonly feature?: FeatureName | 'malformed' | 'gc';
      readonly opcode?: string;
      readonly funcIndex?: number;
      readonly message: string;
    };

/** API misuse: a logical stack limit outside the reference's accepted range. */
export class DeterminismOptionsError extends Error {
  override name = 'DeterminismOptionsError';
}

/**
 * Applies the reference's prevalidation, feature set, stack limiter and NaN canonicalization.
 * Never throws on untrusted input: malformed or refused code is a `refused` outcome.
 * @throws {DeterminismOptionsError} for a `stackLogicalMax` outside [1024, 131072].
 */
export function makeDeterministic(
  code: Uint8Array,
  options: DeterminismOptions = {},
): DeterministicModule {
  const logicalMax = options.stackLogicalMax ?? DEFAULT_LOGICAL_STACK_MAX;
  const policy = options.policy ?? 'substrate';
  const problem = stackLogicalMaxProblem(logicalMax);
  if (problem !== undefined) throw new DeterminismOptionsError(problem);
  try {
    const module = parseModule(code);
    const analysis = analyzeModule(module, policy);
    if (analysis.kind === 'refused') return analysis;
    if (analysis.costError !== undefined) {
      const { message, funcIndex } = analysis.costError;
      return {
        kind: 'refused',
        stage: 'preparation',
        funcIndex,
        message: `cannot inject the stack limiter: "${message}" (function ${funcIndex})`,
      };
    }
    const uncompilable = gateCompilationFor(policy)(module);
    if (uncompilable !== undefined) return uncompilable;
    const beyond = wasmparserLimitRefusal(module) ?? analysis.brTableRefusal;
    if (beyond !== undefined)
      return { kind: 'refused', stage: 'preparation', message: `cannot create module: ${beyond}` };
    const out = instrumentModule(module, analysis, {
      logicalMax,
      canonicalizeNans: options.canonicalizeNans ?? true,
      policy,
      memBuiltins: options.memBuiltins,
    });
    return {
      kind: 'instrumented',
      bytes: out.bytes,
      layout: out.layout,
      source: module,
      thunks: out.thunks,
      instrumentedCalls: out.instrumentedCalls,
      canonicalizedOps: out.canonicalizedOps,
      memBuiltins: out.memBuiltins.size,
      v8Excess: v8OnlyExcess(module),
    };
  } catch (err) {
    if (err instanceof WasmParseError) {
      const gc = policy === 'wasi' ? gcRefusal(code, err) : undefined;
      if (gc !== undefined) return gc;
      return {
        kind: 'refused',
        stage: 'prevalidation',
        feature: 'malformed',
        message: `cannot deserialize module: ${err.message}`,
      };
    }
    throw err;
  }
}
