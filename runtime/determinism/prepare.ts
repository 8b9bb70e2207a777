// The determinism step of prepare: the reference's prevalidation, its feature set, its stack
// limiter and its NaN canonicalization, applied to a (decompressed) wasm module before V8
// compiles it. Order follows the reference (see features.ts, stack-cost.ts, instrument.ts):
// parse → refuse unsupported features (prevalidation/preparation) → compute stack costs
// (a failure is a preparation error) → rewrite.
import { parseModule } from '../wasm/sections.js';
import { WasmParseError } from '../wasm/reader.js';
import { gateFeatures, type RefusalStage } from './features.js';
import { instrumentModule } from './instrument.js';
import { computeStackCosts } from './stack-cost.js';
import type { FeatureName } from '../wasm/opcodes.js';

/**
 * `DeterministicStackLimit::logical_max` of Polkadot's `DEFAULT_CONFIG`
 * (`DEFAULT_LOGICAL_STACK_MAX`, polkadot/primitives executor_params.rs); the executor
 * parameter `StackLogicalMax` overrides it within [1024, 131072].
 */
export const DEFAULT_LOGICAL_STACK_MAX = 65536;
export const LOGICAL_STACK_MAX_LO = 1024;
export const LOGICAL_STACK_MAX_HI = 131072;

export interface DeterminismOptions {
  /** `StackLogicalMax` (default {@link DEFAULT_LOGICAL_STACK_MAX}). */
  readonly logicalStackMax?: number;
  /**
   * Canonicalize NaNs (default true, as the reference always does). Turning it off exists
   * only to measure its cost; validators must not.
   */
  readonly canonicalizeNans?: boolean;
}

export type DeterministicModule =
  | {
      readonly kind: 'instrumented';
      /** The module V8 must compile instead of the original. */
      readonly bytes: Uint8Array;
      readonly thunks: number;
      readonly instrumentedCalls: number;
      readonly canonicalizedOps: number;
    }
  | {
      readonly kind: 'refused';
      /** The reference's class: `PrepareError::Prevalidation` or `::Preparation`. */
      readonly stage: RefusalStage;
      readonly feature?: FeatureName | 'malformed';
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
 * @throws {DeterminismOptionsError} for a `logicalStackMax` outside [1024, 131072].
 */
export function makeDeterministic(
  code: Uint8Array,
  options: DeterminismOptions = {},
): DeterministicModule {
  const logicalMax = options.logicalStackMax ?? DEFAULT_LOGICAL_STACK_MAX;
  if (
    !Number.isInteger(logicalMax) ||
    logicalMax < LOGICAL_STACK_MAX_LO ||
    logicalMax > LOGICAL_STACK_MAX_HI
  )
    throw new DeterminismOptionsError(
      `logicalStackMax must be an integer in [${LOGICAL_STACK_MAX_LO}, ${LOGICAL_STACK_MAX_HI}], got ${logicalMax}`,
    );
  let module;
  try {
    module = parseModule(code);
    const verdict = gateFeatures(module);
    if (verdict.kind === 'refused') return verdict;
    const costs = computeStackCosts(module);
    if (costs.kind === 'error')
      return {
        kind: 'refused',
        stage: 'preparation',
        funcIndex: costs.funcIndex,
        message: `cannot inject the stack limiter: "${costs.message}" (function ${costs.funcIndex})`,
      };
    const out = instrumentModule(module, costs.costs, {
      logicalMax,
      canonicalizeNans: options.canonicalizeNans ?? true,
    });
    return {
      kind: 'instrumented',
      bytes: out.bytes,
      thunks: out.thunks,
      instrumentedCalls: out.instrumentedCalls,
      canonicalizedOps: out.canonicalizedOps,
    };
  } catch (err) {
    if (err instanceof WasmParseError)
      return {
        kind: 'refused',
        stage: 'prevalidation',
        feature: 'malformed',
        message: `cannot deserialize module: ${err.message}`,
      };
    throw err;
  }
}
