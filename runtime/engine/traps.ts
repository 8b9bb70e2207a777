// Failures raised while a guest runs, and the one place that turns any thrown value into an
// outcome. Host functions trap the guest by throwing `HostTrap`; wasm traps arrive as
// `WebAssembly.RuntimeError`, stack exhaustion as `RangeError`. Anything else thrown while the
// guest runs is a host bug: an internal error, never blamed on the candidate.
import type { InvalidReason } from './types.js';

/** Thrown by host code to trap the guest; the engine turns it into an `invalid` outcome. */
export class HostTrap extends Error {
  override name = 'HostTrap';
  constructor(
    readonly reason: InvalidReason,
    message: string,
  ) {
    super(message);
  }
}

export type Classified =
  | { readonly kind: 'invalid'; readonly reason: InvalidReason; readonly message: string }
  | { readonly kind: 'internal-error'; readonly message: string };

// V8's wasm trap messages (src/common/message-template.h, kWasmTrap*) → our reasons.
const WASM_TRAPS: ReadonlyArray<readonly [RegExp, InvalidReason]> = [
  [/^unreachable$/, 'unreachable'],
  [/memory access out of bounds/, 'out-of-bounds'],
  [/data segment .*out of bounds|out of bounds memory access/, 'out-of-bounds'],
];

/** Maps a value thrown out of a guest call (or instantiation) to an outcome. */
export function classify(err: unknown): Classified {
  if (err instanceof HostTrap) return { kind: 'invalid', reason: err.reason, message: err.message };
  if (err instanceof WebAssembly.RuntimeError) {
    const text = err.message;
    const hit = WASM_TRAPS.find(([re]) => re.test(text));
    return { kind: 'invalid', reason: hit ? hit[1] : 'trap', message: `wasm trap: ${text}` };
  }
  if (err instanceof RangeError && /Maximum call stack size exceeded/.test(err.message))
    return {
      kind: 'invalid',
      reason: 'stack-overflow',
      message: 'wasm trap: call stack exhausted',
    };
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'internal-error', message: `host fault while running the guest: ${message}` };
}
