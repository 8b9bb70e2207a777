// What the example runs share: how many validations they keep in flight, and their progress.
import { type ProgressSink, progressReporter } from '../progress.js';

/** Validations kept in flight per worker: enough to fill each worker's pipeline. */
export const IN_FLIGHT_PER_WORKER = 4;

/** Validation progress on stderr (src/cli/progress.ts); nothing off a terminal with --json. */
export const progressLine = (total: number, quiet: boolean): ((done: number) => void) =>
  progressReporter(total, { verb: 'validated', quiet });

/** What a built block reports for its progress line. */
export interface BuiltBlock {
  readonly number: number;
  readonly transfers: number;
  readonly blockData: Uint8Array;
  readonly weight: { readonly refTime: bigint };
}

/**
 * Progress of building `total` blocks, one call per block built: on a terminal the bar
 * (shown at 0 at once, since loading the runtime comes first), elsewhere a line per block
 * with its transfers, PoV size and weight; nothing off a terminal with `quiet`.
 */
export function buildProgress(
  total: number,
  quiet: boolean,
  sink: ProgressSink = process.stderr,
): (block: BuiltBlock) => void {
  if (sink.isTTY !== true) {
    if (quiet) return () => {};
    return (b) =>
      void sink.write(
        `built #${b.number}: ${b.transfers} transfers, PoV ${b.blockData.length} bytes, weight ${(Number(b.weight.refTime) / 1e9).toFixed(1)} ms\n`,
      );
  }
  const bar = progressReporter(total, { verb: 'built', quiet, sink });
  bar(0);
  let built = 0;
  return () => bar(++built);
}
