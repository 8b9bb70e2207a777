// Entry point of a sealed worker process (bundled to dist/worker.js). It starts already sealed
// by the launcher and never loads koffi or anything from native/ or src/.
//
// Guest code must never reach V8's own stack limit before the logical one it is instrumented
// with (runtime/determinism/native-stack.ts): where V8 overflows first depends on the machine,
// the logical trap does not. The process's main thread has 984 KiB, too little (a valid PVF can
// overflow it at a few hundred levels). So this thread only starts one long-lived thread with
// the guest stack (sized for the largest accepted `StackLogicalMax`) and runs the whole worker
// loop there (worker-thread.ts, bundled beside this file): every job of every ABI runs on it,
// with no work per job (the GC cost measured for PVFs that need a new memory per call is in
// native-stack.ts). The loop thread
// - reads fd 0 and writes fd 1 itself (synchronous fs calls work from any thread);
// - is sealed like this one: the launcher's seccomp filter and no-new-privs apply to every
//   thread created after them (verifySealed checks each task), and Landlock lets it read its
//   bundle, which sits in the worker script's folder;
// - ends the process through its exit status, mirrored here (a protocol error, EOF, ...).
import { Worker } from 'node:worker_threads';
import { GUEST_THREAD_STACK_MB } from './determinism/native-stack.js';

/** Exit status when the loop thread dies of an uncaught exception (as Node's own). */
const UNCAUGHT = 1;

const loop = new Worker(new URL('./worker-thread.js', import.meta.url), {
  resourceLimits: { stackSizeMb: GUEST_THREAD_STACK_MB },
});
loop.on('error', (err) => {
  process.stderr.write(`pvf-worker: ${err instanceof Error ? (err.stack ?? err.message) : err}\n`);
  process.exitCode = UNCAUGHT;
});
loop.on('exit', (code) => process.exit(process.exitCode ?? code));
