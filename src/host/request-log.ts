// The validation host's operator log lines about requests: failed preparations, and the PVF's
// own log records. The records were captured in the worker within the job's `maxLogBytes`
// (runtime/host/log-sink.ts) at the levels `executorParams.maxLogLevel` lets the PVF emit, and
// came back inside the reply: forwarding them costs the job nothing more, and nothing here can
// change its outcome.
import type { LogRecord } from '../../runtime/engine/types.js';
import { emit, type HostLogger, type LogLevel } from './log.js';
import type { ClassifiedAttempt } from './outcome.js';

/** sp-core `LogLevel` (1 error … 5 trace) as a logger level. */
const LEVEL_OF: Record<LogRecord['level'], LogLevel> = {
  1: 'error',
  2: 'warn',
  3: 'info',
  4: 'debug',
  5: 'trace',
};

export function logPreparationFailed(
  log: HostLogger,
  codeHashHex: string,
  kind: string,
  c: Extract<ClassifiedAttempt, { kind: 'preparation-error' }>,
  durationMs: number,
): void {
  // A deterministic failure is the code's own (like an invalid verdict: the outcome says it);
  // a timeout or a dying job is the machine's, for the operator to look at.
  emit(
    log,
    c.deterministic ? 'info' : 'warn',
    {
      event: 'preparation-failed',
      codeHash: `0x${codeHashHex}`,
      kind,
      reason: c.reason,
      deterministic: c.deterministic,
      message: c.message,
      durationMs,
    },
    `preparation failed: ${c.reason}`,
  );
}

/** One `runtime-log` line per record the PVF logged, at the record's own level. */
export function logRuntime(log: HostLogger, codeHashHex: string, c: ClassifiedAttempt): void {
  const logs =
    c.kind === 'success' && c.outcome.kind !== 'prepared'
      ? c.outcome.logs
      : c.kind === 'invalid'
        ? c.logs
        : undefined;
  if (logs === undefined || logs.length === 0) return;
  const codeHash = `0x${codeHashHex}`;
  for (const r of logs)
    emit(log, LEVEL_OF[r.level], { event: 'runtime-log', target: r.target, codeHash }, r.message);
}
