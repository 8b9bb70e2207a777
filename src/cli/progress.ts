// Progress of a long CLI run on stderr. On a terminal: one bar redrawn in place, with the rate
// and the time left, cut to the terminal's width and redrawn at most every REDRAW_MS, so a fast
// run does not spend its time writing escape sequences. Elsewhere (a pipe, a CI log): a plain
// line every tenth. With --json and no terminal: nothing, so stderr stays quiet for scripts.

/** Shortest interval between two redraws of the bar (at most ~10 a second). */
export const REDRAW_MS = 100;

/** Where progress goes and how wide it may be; `process.stderr` in the CLI. */
export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** What is counted, e.g. `validated`, `built`. */
  readonly verb: string;
  /** No output unless on a terminal (for --json). */
  readonly quiet?: boolean;
  readonly sink?: ProgressSink;
  /** Milliseconds since some origin; injectable for tests. */
  readonly now?: () => number;
}

/** Reports `done` of `total`; returns the function to call with each new count. */
export function progressReporter(total: number, options: ProgressOptions): (done: number) => void {
  const { verb, quiet = false, sink = process.stderr, now = () => performance.now() } = options;
  const tty = sink.isTTY === true;
  if (!tty && quiet) return () => {};
  const start = now();
  if (!tty) {
    let shown = -1;
    return (done) => {
      const tenth = Math.floor((done * 10) / total);
      if (tenth === shown) return;
      shown = tenth;
      sink.write(`${verb} ${done}/${total}\n`);
    };
  }
  let lastDraw = -Infinity;
  return (done) => {
    const t = now();
    const finished = done >= total;
    if (!finished && t - lastDraw < REDRAW_MS) return;
    lastDraw = t;
    const line = barLine(done, total, (t - start) / 1000, sink.columns ?? 80);
    sink.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
  };
}

/**
 * One bar line no wider than `columns - 1` (the last column would wrap on some terminals):
 * `[####....] 512/1007 4,210/s ETA 0:01`. The bar shrinks first, then the rate and ETA go.
 */
export function barLine(done: number, total: number, seconds: number, columns: number): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const count = `${done}/${total}`;
  const tail =
    rate > 0
      ? ` ${Math.round(rate).toLocaleString('en-US')}/s ${
          done >= total ? `in ${clock(seconds)}` : `ETA ${clock((total - done) / rate)}`
        }`
      : '';
  const room = Math.max(0, columns - 1);
  for (const suffix of [` ${count}${tail}`, ` ${count}`]) {
    const barWidth = Math.min(30, room - suffix.length - 2);
    if (barWidth >= 10) {
      const filled = Math.min(barWidth, Math.round((done / total) * barWidth));
      return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${suffix}`;
    }
    if (suffix.length <= room && suffix === ` ${count}`) return count;
  }
  return count.slice(0, room);
}

/** Seconds as m:ss, or h:mm:ss from an hour on. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
