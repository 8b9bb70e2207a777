// Entry point of a sealed worker process (bundled to dist/worker.js). It starts already sealed
// by the launcher and never loads koffi or anything from native/ or src/.
import { runWorker } from './worker/loop.js';

await runWorker();
