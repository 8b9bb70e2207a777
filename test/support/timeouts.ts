/**
 * The CPU time a hard-timeout outcome reports having measured. The budget is CPU time of the
 * whole worker (V8's background threads count too, as in the reference's ProcessTime), so a
 * timeout can end sooner in wall time than its budget: assert on this figure, not on duration.
 */
export function reportedCpuMs(out: object): number {
  const message = 'message' in out && typeof out.message === 'string' ? out.message : '';
  const m = /\((\d+) ms CPU/.exec(message);
  if (!m) throw new Error(`no CPU figure in ${JSON.stringify(message)}`);
  return Number(m[1]);
}
