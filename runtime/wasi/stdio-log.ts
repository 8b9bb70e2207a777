// Captures what a WASI guest writes to stdout and stderr as the engine's log records, bounded
// the same way as `ext_logging_log` output: at most `maxLogBytes` of text (target + message)
// per execution, later records counted in `logsDropped` and discarded. Not consensus (the
// reference discards PVF logs); the bound only keeps a guest from exhausting host memory.
import type { LogRecord } from '../engine/types.js';

export type StdioStream = 'stdout' | 'stderr';

/** Log level of each stream (sp-core's `LogLevel`): stderr is where panics go. */
const LEVEL: Record<StdioStream, LogRecord['level']> = { stdout: 3, stderr: 1 };
const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8'); // lossy on purpose: a log line is never consensus

/** One stream's unfinished line. `overflow` once it outgrew the budget: it will be dropped. */
interface Pending {
  chunks: Uint8Array[];
  length: number;
  overflow: boolean;
}

/**
 * Splits each stream into lines (one record per line, without the newline; a final line
 * without one is flushed by {@link StdioLog.finish}). A line that does not fit in what is
 * left of the budget is dropped whole, so a record is never cut.
 */
export class StdioLog {
  readonly records: LogRecord[] = [];
  dropped = 0;
  #used = 0;
  readonly #pending: Record<StdioStream, Pending> = {
    stdout: { chunks: [], length: 0, overflow: false },
    stderr: { chunks: [], length: 0, overflow: false },
  };

  constructor(private readonly maxBytes: number) {}

  /** Appends bytes the guest wrote. The bytes are copied; the caller may reuse its buffer. */
  write(stream: StdioStream, bytes: Uint8Array): void {
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(NEWLINE, start);
      this.#append(stream, bytes.subarray(start, nl === -1 ? bytes.length : nl));
      if (nl === -1) return;
      this.#endLine(stream);
      start = nl + 1;
    }
  }

  /** Flushes unfinished lines and returns the records; call once, when the execution ends. */
  finish(): { logs: readonly LogRecord[]; logsDropped: number } {
    for (const stream of ['stdout', 'stderr'] as const)
      if (this.#pending[stream].length > 0 || this.#pending[stream].overflow) this.#endLine(stream);
    return { logs: this.records, logsDropped: this.dropped };
  }

  /** The records so far, then a fresh start (for a log that outlives one execution). */
  drain(): LogRecord[] {
    const out = [...this.finish().logs];
    this.records.length = 0;
    this.dropped = 0;
    this.#used = 0;
    return out;
  }

  #append(stream: StdioStream, part: Uint8Array): void {
    const p = this.#pending[stream];
    if (p.overflow || part.length === 0) return;
    if (stream.length + p.length + part.length > this.maxBytes - this.#used) {
      p.overflow = true;
      p.chunks = [];
      p.length = 0;
      return;
    }
    p.chunks.push(part.slice());
    p.length += part.length;
  }

  #endLine(stream: StdioStream): void {
    const p = this.#pending[stream];
    if (p.overflow || stream.length + p.length > this.maxBytes - this.#used) this.dropped++;
    else {
      const line = p.chunks.length === 1 ? p.chunks[0]! : Buffer.concat(p.chunks, p.length);
      this.#used += stream.length + p.length;
      this.records.push({ level: LEVEL[stream], target: stream, message: utf8.decode(line) });
    }
    p.chunks = [];
    p.length = 0;
    p.overflow = false;
  }
}

/**
 * Everything the guest wrote to stderr, lines joined with "\n", or undefined if nothing: how a
 * wasi-libc or Rust guest explains a panic before it traps or exits, so it becomes the
 * invalid outcome's message. Flushes the log (see {@link StdioLog.finish}).
 */
export function stderrText(log: StdioLog): string | undefined {
  const lines = log
    .finish()
    .logs.filter((r) => r.target === 'stderr')
    .map((r) => r.message);
  const text = lines.join('\n');
  return text.length > 0 ? text : undefined;
}
