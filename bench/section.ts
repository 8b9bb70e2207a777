// What a benchmark section gives the runner: named rows of figures, printed as one table.

export type Row = Record<string, string | number>;

export interface Section {
  readonly name: string;
  /** What the rows compare and how they were measured. */
  readonly description: string;
  run(): Promise<Row[]>;
}

/** Median and 99th percentile of `samples` (sorted in place). */
export function percentiles(samples: number[]): { p50: number; p99: number } {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}
