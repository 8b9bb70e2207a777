// Bounded capture of what a guest logs. The reference discards PVF logs; we keep them for
// diagnosis, within a byte budget so a guest cannot exhaust host memory through logging.
import type { LogRecord } from '../engine/types.js';

/** The longest panic message kept, in UTF-16 code units (panic text is diagnostic only). */
const MAX_PANIC_CHARS = 4096;

export class LogSink {
  readonly records: LogRecord[] = [];
  dropped = 0;
  private used = 0;
  /**
   * The last error-level record with target `runtime`: sp-io's logging panic handler writes the
   * panic message this way right before it executes `unreachable`. Kept even past the budget.
   */
  lastPanic: string | undefined;
  /** The message of `ext_panic_handler_abort_on_panic_version_1`, once called. */
  abortMessage: string | undefined;

  constructor(private readonly budget: number) {}

  /** Whether a record of `bytes` (target + message, as stored in guest memory) still fits. */
  fits(bytes: number): boolean {
    return this.used + bytes <= this.budget;
  }

  /** Records one message, or counts it as dropped when it does not fit. */
  push(level: LogRecord['level'], target: string, message: string, bytes: number): void {
    if (level === 1 && target === 'runtime')
      this.lastPanic =
        message.length > MAX_PANIC_CHARS ? message.slice(0, MAX_PANIC_CHARS) : message;
    if (!this.fits(bytes)) {
      this.dropped++;
      return;
    }
    this.used += bytes;
    this.records.push({ level, target, message });
  }
}
