// Keeps what an honest worker sends within the bounds the host checks while decoding
// (runtime/protocol/messages.ts): log records trimmed to the reply's log budget and record
// cap, messages clipped, and a result too large to be sent turned into an `invalid` verdict.
// Logs and message texts are diagnostics (the reference discards PVF logs), so trimming them
// changes no verdict.
import type { LogRecord } from '../engine/types.js';
import {
  type JobOutcome,
  logBudget,
  MAX_WIRE_LOG_RECORDS,
  MAX_WIRE_MESSAGE_BYTES,
  MAX_WIRE_REASON_BYTES,
  MAX_WORKER_FRAME_BYTES,
} from '../protocol/messages.js';

const utf8 = new TextEncoder();
const decoder = new TextDecoder();

/** Room in a result frame for everything but the result bytes and the logs. */
const FRAME_OVERHEAD = 64 + MAX_WIRE_MESSAGE_BYTES + MAX_WIRE_REASON_BYTES;
/** Per log record on the wire: level and two length prefixes. */
const RECORD_OVERHEAD = 9;

/** `s` cut to at most `max` UTF-8 bytes, on a character boundary. */
export function clip(s: string, max: number): string {
  if (s.length * 3 <= max) return s;
  const b = utf8.encode(s);
  if (b.length <= max) return s;
  let cut = max;
  while (cut > 0 && (b[cut]! & 0xc0) === 0x80) cut--;
  return decoder.decode(b.subarray(0, cut));
}

/** The longest prefix of `logs` within the record cap and `budget` bytes of text. */
function trimLogs(logs: readonly LogRecord[], budget: number): LogRecord[] {
  const out: LogRecord[] = [];
  let left = budget;
  for (const l of logs) {
    if (out.length >= MAX_WIRE_LOG_RECORDS) break;
    const bytes = utf8.encode(l.target).length + utf8.encode(l.message).length;
    if (bytes > left) break;
    left -= bytes;
    out.push(l);
  }
  return out;
}

function wireBytes(logs: readonly LogRecord[]): number {
  let n = 0;
  for (const l of logs) n += RECORD_OVERHEAD + utf8.encode(l.target).length + l.message.length * 3;
  return n;
}

/** `o` within the wire bounds for a request run with `maxLogBytes`. */
export function boundOutcome(o: JobOutcome, maxLogBytes: number): JobOutcome {
  const budget = logBudget(maxLogBytes);
  const msg = (s: string) => clip(s, MAX_WIRE_MESSAGE_BYTES);
  switch (o.kind) {
    case 'valid':
    case 'returned': {
      const logs = trimLogs(o.logs, budget);
      const payload = o.kind === 'valid' ? o.result : o.output;
      const room = MAX_WORKER_FRAME_BYTES - FRAME_OVERHEAD - wireBytes(logs);
      if (payload.length > room)
        return {
          kind: 'invalid',
          reason: 'bad-result',
          message: `the ${o.kind === 'valid' ? 'result' : 'output'} has ${payload.length} bytes, more than the ${room} a worker may send`,
          logs,
        };
      return { ...o, logs };
    }
    case 'invalid':
      return {
        kind: 'invalid',
        reason: o.reason, // a TrapKind: always within MAX_WIRE_REASON_BYTES
        message: msg(o.message),
        logs: trimLogs(o.logs, budget),
      };
    case 'pov-decompression-failure':
    case 'preparation-error':
    case 'job-error':
    case 'internal-error':
      return { ...o, message: msg(o.message) };
    case 'prepared':
    case 'code-missing':
      return o;
  }
}
