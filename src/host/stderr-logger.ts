// The logger the host uses when given none, and the one the CLI configures: one line per event
// on stderr, as text for a person or as JSON lines in pino's shape (`level` as a number, `time`
// in ms since the epoch, `msg`, then the fields) so pino-pretty and log shippers read them.
// Levels below the threshold have no method at all: the host then skips them at the cost of
// one property check (see README, Operator logs, for the measurement).
import { type HostLogger, type LogFields, LOG_LEVELS, type LogLevel } from './log.js';

export interface StderrLoggerOptions {
  /** Least severe level written; `silent` writes nothing. Default `warn`. */
  readonly level?: LogLevel | 'silent';
  /** `text` (default): `pvf warn: message (key=value …)`; `json`: one JSON object a line. */
  readonly format?: 'text' | 'json';
  /**
   * Threshold for the PVF's own log lines (event `runtime-log`), which arrive at the level the
   * PVF gave them. Default: the same as `level`.
   */
  readonly runtimeLevel?: LogLevel | 'silent';
  /** Where lines go; default `process.stderr`. */
  readonly write?: (line: string) => void;
}

const rank = (l: LogLevel | 'silent'): number => (l === 'silent' ? Infinity : LOG_LEVELS[l]);

/** A logger writing one line per event to stderr (or `write`). */
export function stderrLogger(o: StderrLoggerOptions = {}): HostLogger {
  const min = rank(o.level ?? 'warn');
  const runtimeMin = rank(o.runtimeLevel ?? o.level ?? 'warn');
  const write = o.write ?? ((line: string) => void process.stderr.write(line));
  const format = o.format === 'json' ? jsonLine : textLine;
  const logger: HostLogger = {};
  for (const level of Object.keys(LOG_LEVELS) as LogLevel[]) {
    const n = LOG_LEVELS[level];
    if (n < min && n < runtimeMin) continue;
    logger[level] = (fields, message) => {
      if (n < (fields.event === 'runtime-log' ? runtimeMin : min)) return;
      write(format(level, fields, message));
    };
  }
  return logger;
}

function jsonLine(level: LogLevel, fields: LogFields, message: string): string {
  return (
    JSON.stringify(
      { level: LOG_LEVELS[level], time: Date.now(), msg: message, ...fields },
      bigints,
    ) + '\n'
  );
}

function textLine(level: LogLevel, fields: LogFields, message: string): string {
  if (fields.event === 'runtime-log')
    return `pvf runtime ${level} ${String(fields.target)}: ${message}\n`;
  const pairs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${textValue(v)}`);
  return `pvf ${level}: ${message} (${pairs.join(' ')})\n`;
}

function textValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(1);
  if (typeof v === 'string' && /^[\w.,:/@+-]+$/.test(v)) return v;
  return JSON.stringify(v, bigints);
}

const bigints = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);
