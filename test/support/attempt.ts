// A call's outcome as plain data, for differential tests that compare two implementations:
// its result as a u32, or what it threw (class name, trap reason, message).
export type Outcome = { ok: number } | { error: string; reason: unknown; message: string };

export function attempt(f: () => number): Outcome {
  try {
    return { ok: f() >>> 0 };
  } catch (e) {
    const err = e as Error & { reason?: unknown };
    return { error: err.name, reason: err.reason, message: err.message };
  }
}
