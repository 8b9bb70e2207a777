// Which worker may run which job: verdict isolation and head-of-line rules, as pure decisions
// over the pool's explicit per-slot state (pool.ts applies them).
//
// Verdict isolation. A PVF that escapes V8 controls its worker, and so every reply that worker
// sends. The reference runs each job in a fresh process cloned or forked from the worker for
// this reason (polkadot-sdk @019bd5f3, polkadot/node/core/pvf/execute-worker/src/lib.rs,
// `handle_clone` / `handle_fork`, whose child closes the worker's socket and answers over a
// pipe). Modes:
// - 'code' (default): a worker serves one code hash until it is retired; a job of another
//   code never reaches it. A compromised PVF can then forge only its own verdicts. A worker is
//   retired (killed, and a fresh one started unbound) when a job of another code is waiting
//   and it is idle.
// - 'job': a fresh sealed process per job, from warm spares (the reference's model): a worker
//   runs one job (its compile step and the run) and is retired; nothing a job leaves behind in
//   the process reaches any later job, of any code.
// - 'none': workers are shared by every code (the fastest; a compromised worker can answer for
//   other PVFs). Only for trusted code.
import type { WorkerProcess } from './worker-process.js';

export type Isolation = 'code' | 'job' | 'none';
export const ISOLATIONS: readonly Isolation[] = ['code', 'job', 'none'];

/**
 * A step waiting behind a running one is taken back and queued again once the running one has
 * taken this long (and longer than STEAL_FACTOR × its worker's typical job), so no job waits
 * out another job's budget on the same worker. The pool checks every 50 ms, so a job waits at
 * most about this plus 50 ms before it moves.
 */
const STEAL_MIN_MS = 20;
const STEAL_FACTOR = 4;

/** What the pool knows of one slot (explicit state, not predicted from the worker). */
export interface SlotView {
  readonly worker: WorkerProcess | undefined;
  readonly ready: boolean;
  /** The code hash (hex) this worker serves, once it has been given a job ('code' and 'job'). */
  readonly boundTo: string | undefined;
  /** Set once a retirement has been decided: it takes no more work. */
  readonly retiring: boolean;
}

/** Whether the running step of `w` has run long enough that work behind it should move. */
export function runningLong(w: WorkerProcess, now: number): boolean {
  const ms = w.runningMs(now);
  return ms > STEAL_MIN_MS && ms > STEAL_FACTOR * (w.typicalMs ?? 0);
}

/** Whether `s` may be given a job of `code` now, with `depth` requests at most. */
export function eligible(
  s: SlotView,
  code: string,
  isolation: Isolation,
  depth: number,
  now: number,
): boolean {
  const w = s.worker;
  if (!s.ready || s.retiring || w === undefined || !w.alive) return false;
  if (w.load >= depth || (w.load > 0 && runningLong(w, now))) return false;
  if (isolation === 'none') return true;
  if (isolation === 'job') return s.boundTo === undefined && w.load === 0;
  return s.boundTo === undefined || s.boundTo === code;
}

/** Among eligible slots: those already serving the code first (warm module), then least loaded. */
export function better(a: SlotView, b: SlotView, code: string): boolean {
  const am = a.boundTo === code;
  const bm = b.boundTo === code;
  if (am !== bm) return am;
  return a.worker!.load < b.worker!.load;
}

/**
 * The slot to retire so that a job of `code` can run when no slot may take it, in this order:
 * an idle worker whose code has no job waiting; then, only while no live worker serves
 * `code` at all, an idle worker, else the least loaded one (it takes no more work, and is
 * killed once its requests are answered). Nothing while a retired one is on its way back
 * (its replacement will take the job).
 */
export function toRetire(
  slots: readonly SlotView[],
  code: string,
  isolation: Isolation,
  waiting: (code: string) => boolean,
): SlotView | undefined {
  if (isolation !== 'code') return undefined;
  if (slots.some((s) => s.retiring || !s.ready)) return undefined;
  const others = slots.filter(
    (s) => s.worker?.alive === true && s.boundTo !== undefined && s.boundTo !== code,
  );
  const idle = others.filter((s) => s.worker!.load === 0);
  const free = idle.find((s) => !waiting(s.boundTo!));
  if (free !== undefined) return free;
  if (slots.some((s) => s.boundTo === code && s.worker?.alive === true)) return undefined;
  return [...others].sort((a, b) => a.worker!.load - b.worker!.load)[0];
}
