// What the example runs share: how many validations they keep in flight, and their progress.
import { progressReporter } from '../progress.js';

/** Validations kept in flight per worker: enough to fill each worker's pipeline. */
export const IN_FLIGHT_PER_WORKER = 4;

/** Validation progress on stderr (src/cli/progress.ts); nothing off a terminal with --json. */
export const progressLine = (total: number, quiet: boolean): ((done: number) => void) =>
  progressReporter(total, { verb: 'validated', quiet });
