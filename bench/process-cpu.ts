// CPU time, for figures that must survive a shared machine: wall time on a busy 2-core machine
// measures the queue for a core as much as the work. `process.cpuUsage()` (getrusage) counts
// every thread of the process exactly, V8's background compile and GC threads included, which
// is work a validation causes too (a worker's CPU-time budget counts them as well).

/** The process's CPU time (user + system) in ms. */
export function processCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
