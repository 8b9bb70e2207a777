// Runs one sealed attack battery to the end: reads its results line, lets the caller inspect
// the still-running process from outside, then closes its stdin and waits for its exit.
import type { ChildProcess } from 'node:child_process';
import { sealedPid } from '../spawn.js';

export interface BatteryRun {
  /** The first stdout line, parsed as JSON; null when the process died before reporting
   *  (e.g. killed by the filter) or printed something else. */
  readonly report: unknown;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** What `whileAlive` returned, if the process lived to report. */
  readonly inspected: unknown;
}

/** Collects a battery's report; `whileAlive(pid)` runs between its report and its exit. */
export function runBattery(
  child: ChildProcess,
  whileAlive: (pid: number) => Promise<unknown> | unknown,
  timeoutMs = 20_000,
): Promise<BatteryRun> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let report: unknown = null;
    let reported = false;
    let inspected: unknown;
    let inspecting: Promise<void> = Promise.resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (reported || nl < 0) return;
      reported = true;
      try {
        report = JSON.parse(stdout.slice(0, nl));
      } catch {
        stderr += `unparsable report: ${stdout.slice(0, 200)}\n`;
      }
      inspecting = (async () => {
        inspected = await whileAlive(sealedPid(child) ?? child.pid!);
        child.stdin?.end();
      })();
    });
    child.stdin?.on('error', () => {}); // the process may already be gone
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      void inspecting.then(() => resolve({ report, code, signal, stderr, inspected }));
    });
  });
}
