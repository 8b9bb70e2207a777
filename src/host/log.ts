// Operator logs: what the host tells whoever runs it about its workers (start, seal check,
// death, respawn, kills) and about failed preparations, as one structured line per event.
//
// The interface is the shape pino, bunyan and most structured loggers share — `level(fields,
// message)` — so an embedder passes its own logger (`logger: pino()`) and the host depends on
// none. Every method is optional: a logger without `debug` simply gets no debug lines. The
// host calls them as methods (pino's need their `this`), and a logger that throws can never
// change an outcome: the call is caught and dropped.

/** Levels from the most to the least severe, with pino's numbers (JSON `level` field). */
export const LOG_LEVELS = { error: 50, warn: 40, info: 30, debug: 20, trace: 10 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

/** The fields of one line: `event` names it; the rest depend on the event (see README). */
export type LogFields = { readonly event: string } & Record<string, unknown>;

/** What the host logs through; pino's `Logger` fits as it is. */
export interface HostLogger {
  error?(fields: LogFields, message: string): void;
  warn?(fields: LogFields, message: string): void;
  info?(fields: LogFields, message: string): void;
  debug?(fields: LogFields, message: string): void;
  trace?(fields: LogFields, message: string): void;
}

/**
 * Writes one line through `logger` at `level`, if it has that level. Never throws: an
 * embedder's logger failing must not reach the pool's bookkeeping.
 */
export function emit(
  logger: HostLogger,
  level: LogLevel,
  fields: LogFields,
  message: string,
): void {
  if (typeof logger[level] !== 'function') return;
  try {
    logger[level](fields, message);
  } catch {
    // Dropped: logging is never worth a lost outcome.
  }
}

/** Checks a logger once, when the host is created; returns a message naming what is wrong. */
export function loggerProblem(logger: unknown): string | undefined {
  if (typeof logger !== 'object' || logger === null) return 'must be an object';
  for (const level of Object.keys(LOG_LEVELS)) {
    const f = (logger as Record<string, unknown>)[level];
    if (f !== undefined && typeof f !== 'function')
      return `must have ${level}(fields, message) as a function or not at all`;
  }
  return undefined;
}
