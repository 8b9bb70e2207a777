// Reads a worker's CPU time and resident memory from outside, through /proc (Linux). The
// validation host counts execution timeouts in the worker's CPU time as the reference does
// (its jobs measure `cpu_time::ProcessTime`; polkadot/node/core/pvf/execute-worker), but
// measured by the host so a worker that stops answering cannot hide its own consumption.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on every Linux ABI in use). */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** An open handle on one process's /proc files (kept open: a pread costs ~4 µs here). */
export class ProcStat {
  private readonly statFd: number;
  private readonly statmFd: number;
  private readonly buf = Buffer.allocUnsafe(1024);

  /** @throws when /proc/<pid> cannot be opened (not Linux, or the process is gone). */
  constructor(readonly pid: number) {
    this.statFd = openSync(`/proc/${pid}/stat`, 'r');
    try {
      this.statmFd = openSync(`/proc/${pid}/statm`, 'r');
    } catch (e) {
      closeSync(this.statFd);
      throw e;
    }
  }

  /** utime + stime of all the process's threads, in milliseconds; undefined once it is gone. */
  cpuMillis(): number | undefined {
    const text = this.read(this.statFd);
    if (text === undefined) return undefined;
    // The command name (field 2) may contain spaces and ')': fields restart after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // After the name, field 3 (state) is index 0, so utime (14) is 11 and stime (15) is 12.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : undefined;
  }

  /** Resident set size in bytes; undefined once the process is gone. */
  rssBytes(): number | undefined {
    const text = this.read(this.statmFd);
    if (text === undefined) return undefined;
    const pages = Number(text.split(' ')[1]);
    return Number.isFinite(pages) ? pages * PAGE_BYTES : undefined;
  }

  /**
   * The process's peak resident memory so far (`VmHWM` of /proc/<pid>/status), in KiB: what
   * `ru_maxrss` reports from inside. Read on demand (after a preparation), not kept open.
   */
  peakRssKib(): number | undefined {
    try {
      const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'latin1'));
      return m === null ? undefined : Number(m[1]);
    } catch {
      return undefined;
    }
  }

  close(): void {
    closeSync(this.statFd);
    closeSync(this.statmFd);
  }

  private read(fd: number): string | undefined {
    try {
      const n = readSync(fd, this.buf, 0, this.buf.length, 0);
      return this.buf.toString('latin1', 0, n);
    } catch {
      return undefined;
    }
  }
}
