// The pool's operator log lines, one function per event, so that pool.ts keeps to scheduling.
// Every line carries `event` and `worker` (the pool slot, stable across respawns); lines about
// a process carry its `pid`; lines about a job carry `job` (the pool's job number), `request`
// (the protocol request id), `step` (prepare, execute or call), `kind` (the execution kind,
// e.g. backing) and `codeHash`. Durations are wall ms unless the name says CPU.
import { emit, type HostLogger } from './log.js';
import { hexOf } from './code-hash.js';
import type { Step, WorkerEnd } from './worker-process.js';

/** What the pool knows of a step's job: its number and execution kind. */
export type JobInfo = (
  owner: object,
) => { readonly job: number; readonly kind: string } | undefined;

/** The job fields of a step (empty for a handshake). */
export function jobFields(step: Step, info: JobInfo): Record<string, unknown> {
  const m = step.message;
  if (m.tag === 'hello') return {};
  const j = info(step.owner);
  return {
    job: j?.job,
    request: m.id,
    step: m.tag,
    kind: j?.kind,
    codeHash: `0x${hexOf(m.code.codeHash)}`,
  };
}

export function logSpawned(log: HostLogger, worker: number, pid: number): void {
  emit(log, 'debug', { event: 'worker-spawned', worker, pid }, `worker ${worker} spawned`);
}

/** It answered the handshake and passed the outside (/proc) check of its seal. */
export function logSealed(
  log: HostLogger,
  worker: number,
  pid: number,
  ms: { handshakeMs: number; verifyMs: number },
  layers: string,
  crypto: { readonly secp256k1: string | undefined; readonly curve25519: string | undefined },
): void {
  const { applied, missing } = layerNames(layers);
  emit(
    log,
    'info',
    { event: 'worker-sealed', worker, pid, ...ms, layers: applied, missing, ...crypto },
    `worker ${worker} started and passed its seal check`,
  );
}

/**
 * The sandbox layers a worker reports (the launcher's JSON of name → {kind, detail}) as two
 * comma-separated lists: applied, and everything else (empty when all applied).
 */
function layerNames(json: string): { applied: string; missing: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { applied: '', missing: undefined };
  }
  if (typeof parsed !== 'object' || parsed === null) return { applied: '', missing: undefined };
  const entries = Object.entries(parsed as Record<string, { kind?: unknown }>);
  const names = (applied: boolean) =>
    entries.filter(([, v]) => (v?.kind === 'applied') === applied).map(([k]) => k);
  const missing = names(false);
  return {
    applied: names(true).join(','),
    missing: missing.length > 0 ? missing.join(',') : undefined,
  };
}

export function logStartFailed(
  log: HostLogger,
  worker: number,
  pid: number | undefined,
  failures: number,
  message: string,
): void {
  emit(
    log,
    'error',
    { event: 'worker-start-failed', worker, pid, failures, message },
    `worker ${worker} failed to start: ${message}`,
  );
}

export function logRespawn(log: HostLogger, worker: number, delayMs: number, failures: number) {
  emit(
    log,
    'info',
    { event: 'worker-respawn', worker, delayMs, failures },
    `worker ${worker} respawns in ${delayMs} ms`,
  );
}

export function logGaveUp(log: HostLogger, jobs: number, message: string): void {
  emit(
    log,
    'error',
    { event: 'no-worker', jobs, message },
    `no worker could be started; ${jobs} queued job(s) failed`,
  );
}

/** A job answered after its CPU budget ran out (the worker lives on; the job is timed out). */
export function logLateReply(
  log: HostLogger,
  worker: number,
  pid: number,
  job: Record<string, unknown>,
  ms: { cpuMs: number; wallMs: number; budgetMs: number },
): void {
  emit(
    log,
    'warn',
    { event: 'job-timeout', worker, pid, ...job, ...ms },
    `worker ${worker}: job answered past its ${ms.budgetMs} ms CPU budget`,
  );
}

/** One line for a worker's end: killed (and why), retired, stopped, or died on its own. */
export function logExit(
  log: HostLogger,
  worker: number,
  pid: number,
  end: WorkerEnd,
  info: JobInfo,
  closing: boolean,
  memoryLimitBytes: number,
): void {
  const f = end.failure;
  const base = {
    worker,
    pid,
    lifetimeMs: end.lifetimeMs,
    ...(end.running === undefined
      ? {}
      : { ...jobFields(end.running.step, info), runningMs: end.running.ms }),
  };
  switch (f.kind) {
    case 'closed':
      emit(
        log,
        'debug',
        { event: closing ? 'worker-stopped' : 'worker-retired', ...base },
        closing ? `worker ${worker} stopped` : `worker ${worker} retired`,
      );
      return;
    case 'timeout':
      emit(
        log,
        'warn',
        {
          event: 'worker-killed',
          reason: 'timeout',
          ...base,
          cpuMs: f.cpuMs,
          wallMs: f.wallMs,
          budgetMs: end.running?.step.timeoutMs,
        },
        `worker ${worker} killed: job over its time budget`,
      );
      return;
    case 'memory-limit':
      emit(
        log,
        'warn',
        {
          event: 'worker-killed',
          reason: 'memory-limit',
          ...base,
          rssBytes: f.rssBytes,
          limitBytes: memoryLimitBytes,
        },
        `worker ${worker} killed: resident memory over the limit`,
      );
      return;
    case 'protocol':
      emit(
        log,
        'error',
        { event: 'worker-killed', reason: 'protocol', ...base, message: f.message },
        `worker ${worker} killed: protocol violation: ${f.message}`,
      );
      return;
    case 'died':
      emit(
        log,
        'warn',
        {
          event: 'worker-died',
          ...base,
          code: f.code,
          signal: f.signal,
          stderr: end.stderr,
        },
        `worker ${worker} died (${f.signal ?? `exit code ${f.code}`})`,
      );
      return;
  }
}
