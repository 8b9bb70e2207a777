// How the side-by-side section measures one executor: throughput in rounds interleaved with
// the other executors (so machine noise hits all of them alike; the median round counts), and
// latency one job at a time (submit → outcome, so queueing does not inflate it).
import { percentiles } from './section.js';

/** One executor's figures on one workload. */
export interface Measured {
  /** Median over the rounds of jobs / elapsed seconds. */
  readonly perSec: number;
  /** Latency of one job at a time, in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly rounds: number;
  readonly samples: number;
}

/** Runs a job; resolves (or returns) once its outcome is checked. */
export type Job = (i: number) => void | Promise<void>;

/** Collects rounds and latency samples for one executor. */
export class Meter {
  private readonly rates: number[] = [];
  private readonly latencies: number[] = [];

  /**
   * One throughput round: jobs for about `ms`, with up to `window` in flight (1 runs them
   * back to back; synchronous jobs always run back to back).
   */
  async round(job: Job, ms: number, window: number): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < ms) {
      const out = job(n++);
      if (out === undefined) continue;
      const p: Promise<void> = out.then(() => void inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    this.rates.push(n / ((performance.now() - t0) / 1000));
  }

  /** `count` jobs one at a time, each timed. */
  async latency(job: Job, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await job(i);
      this.latencies.push(performance.now() - t0);
    }
  }

  result(): Measured {
    const rates = [...this.rates];
    const { p50, p99 } = percentiles([...this.latencies]);
    return {
      perSec: percentiles(rates).p50,
      p50,
      p99,
      rounds: rates.length,
      samples: this.latencies.length,
    };
  }
}
