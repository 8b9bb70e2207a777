// Per-call timing shared by the benchmark rows that compare candidates side by side.
import type { Row } from './section.js';

/**
 * Microseconds per call of `fn`, after a warm-up, over about `ms` of wall time; `cpu` counts the
 * process's CPU time instead (user + system), which a loaded machine inflates less.
 */
export function perCall(fn: () => unknown, ms = 600, cpu = false): number {
  for (let i = 0; i < 30; i++) fn();
  let n = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 5; i++) fn();
    n += 5;
  }
  if (cpu) {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  }
  return ((performance.now() - t0) * 1000) / n;
}

export const us = (x: number) => Math.round(x * 10) / 10;

/** Candidates measured in interleaved rounds (so load shifts hit all alike); medians of 5. */
export function row(what: string, candidates: [string, () => unknown][], cpu = false): Row {
  const samples = candidates.map(() => [] as number[]);
  for (let round = 0; round < 5; round++)
    candidates.forEach(([, fn], i) => samples[i]!.push(perCall(fn, 250, cpu)));
  const r: Row = { case: what };
  candidates.forEach(([name], i) => {
    r[name] = us(samples[i]!.sort((a, b) => a - b)[2]!);
  });
  return r;
}
