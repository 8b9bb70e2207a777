// The worker's loop on its guest-stack thread (bundled to dist/worker-thread.js). Started only
// by worker.ts, which gives the thread the stack guest code needs; run anywhere else (e.g. as a
// process's main thread) guest recursion could meet V8's stack limit first, so it refuses.
import { isMainThread } from 'node:worker_threads';
import { warmUpHostCalls } from './host/call-warmup.js';
import { warmUpHostFunctions } from './host/host-warmup.js';
import { warmUpJobPath } from './worker/job-warmup.js';
import { runWorker } from './worker/loop.js';

if (isMainThread)
  throw new Error('worker-thread.js runs only on the thread worker.js starts (the guest stack)');
// Before the first job: the allocator and hashing host functions optimized (host-warmup.ts),
// then the whole path of a host call from a PVF's code (call-warmup.ts), then the worker's path
// around a job (job-warmup.ts).
warmUpHostFunctions();
warmUpHostCalls();
await warmUpJobPath();
await runWorker();
