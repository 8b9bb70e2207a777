// The logical stack limit's accepted values: the executor parameter `StackLogicalMax`.
// Must match polkadot/primitives/src/v8/executor_params.rs (paritytech/polkadot-sdk @21c8eb80;
// `DEFAULT_LOGICAL_STACK_MAX` :33, `LOGICAL_MAX_LO` / `LOGICAL_MAX_HI` :40–42):
// `DEFAULT_LOGICAL_STACK_MAX` (the `DEFAULT_CONFIG` of the PVF executor,
// polkadot/node/core/pvf/common/src/executor_interface.rs:77 @0646724e) and the
// `LOGICAL_MAX_LO` / `LOGICAL_MAX_HI` bounds `ExecutorParams::check_consistency` enforces. A leaf
// module: the worker's entry imports it to size the guest stack without loading the rest of the
// step.

export const DEFAULT_LOGICAL_STACK_MAX = 65536;
export const LOGICAL_STACK_MAX_LO = 1024;
export const LOGICAL_STACK_MAX_HI = 131072;

/**
 * Why `value` is not an acceptable `stackLogicalMax`, or undefined when it is. The one
 * statement of the rule; callers wrap the message in their own option error.
 */
export function stackLogicalMaxProblem(value: unknown): string | undefined {
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= LOGICAL_STACK_MAX_LO &&
    value <= LOGICAL_STACK_MAX_HI
  )
    return undefined;
  return `stackLogicalMax must be an integer in [${LOGICAL_STACK_MAX_LO}, ${LOGICAL_STACK_MAX_HI}], got ${String(value)}`;
}
