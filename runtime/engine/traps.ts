// Failures raised while a guest runs, and the one place that turns any thrown value into an
// outcome. Host functions trap the guest by throwing `HostTrap`; wasm traps arrive as
// `WebAssembly.RuntimeError`. Anything else thrown while the guest runs is a host bug or a
// host limit: an internal error, never blamed on the candidate.
//
// Deep recursion in particular. The reference instruments every module with a logical stack
// limit (runtime/determinism) and runs it with so much native stack (`StackNativeMax`, 256 MiB,
// polkadot executor_interface.rs) that the logical check always fires first: the outcome is
// the check's `unreachable` trap, an invalid candidate, at the same depth on every machine.
// Guest code here runs on a thread sized the same way (runtime/worker.ts,
// runtime/determinism/native-stack.ts), so V8's own `RangeError: Maximum call stack size
// exceeded` should never happen. If it does, the stack was smaller than the sizing assumes (a
// host bug or a host running the engine on an unsized thread), the depth it fired at depends on
// this machine, and the reference would have gone on to succeed or to trap logically: voting
// on it could disagree with every other validator. So it is an internal error — the caller
// abstains, as the reference's `ValidationError::Internal` does — never `invalid`.
import type { TrapKind } from './types.js';

/** Thrown by host code to trap the guest; the engine turns it into an `invalid` outcome. */
export class HostTrap extends Error {
  override name = 'HostTrap';
  constructor(
    readonly reason: TrapKind,
    message: string,
  ) {
    super(message);
  }
}

export type ClassifiedTrap =
  | { readonly kind: 'invalid'; readonly reason: TrapKind; readonly message: string }
  | { readonly kind: 'internal-error'; readonly message: string };

// V8's wasm trap messages (src/common/message-template.h, kWasmTrap*) → our reasons.
const WASM_TRAPS: ReadonlyArray<readonly [RegExp, TrapKind]> = [
  [/^unreachable$/, 'unreachable'],
  [/memory access out of bounds/, 'out-of-bounds'],
  [/data segment .*out of bounds|out of bounds memory access/, 'out-of-bounds'],
];

/** Maps a value thrown out of a guest call (or instantiation) to an outcome. */
export function classifyTrap(err: unknown): ClassifiedTrap {
  if (err instanceof HostTrap) return { kind: 'invalid', reason: err.reason, message: err.message };
  if (err instanceof WebAssembly.RuntimeError) {
    const text = err.message;
    const hit = WASM_TRAPS.find(([re]) => re.test(text));
    return { kind: 'invalid', reason: hit ? hit[1] : 'trap', message: `wasm trap: ${text}` };
  }
  if (err instanceof RangeError && /Maximum call stack size exceeded/.test(err.message))
    return {
      kind: 'internal-error',
      message:
        "native stack exhausted before the logical stack limit (the guest ran on a stack smaller than runtime/determinism/native-stack.ts sizes): not the candidate's fault",
    };
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'internal-error', message: `host fault while running the guest: ${message}` };
}

/** @deprecated use {@link classifyTrap} (the validation host has its own `classifyAttempt`). */
export const classify = classifyTrap;
