// Child-process probe for the deterministic stack limit: runs `export(n)` of a wasm module for
// each n, on the main thread or on a worker thread with `--stack-mb`, and prints one JSON line
// of outcomes ("ok:<value>", "trap:<message>" for a wasm trap, "range-error" when V8's own
// stack ran out). Plain JavaScript so tests can run it under any V8 flags without a loader.
// Usage: node [v8 flags] stack-probe.mjs <module.wasm> <export> <n,n,...> [--stack-mb N]
/* global WebAssembly, URL */
import { readFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

function run({ file, name, ns }) {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {
    env: { touch: () => 0 },
  });
  const f = inst.exports[name];
  return ns.map((n) => {
    try {
      return `ok:${f(n)}`;
    } catch (e) {
      if (e instanceof RangeError) return 'range-error';
      if (e instanceof WebAssembly.RuntimeError) return `trap:${e.message}`;
      throw e;
    }
  });
}

if (isMainThread) {
  const [file, name, list, flag, mb] = process.argv.slice(2);
  const job = { file, name, ns: list.split(',').map(Number) };
  if (flag === '--stack-mb') {
    const w = new Worker(new URL(import.meta.url), {
      workerData: job,
      resourceLimits: { stackSizeMb: Number(mb) },
    });
    w.once('message', (r) => {
      console.log(JSON.stringify(r));
      void w.terminate();
    });
  } else console.log(JSON.stringify(run(job)));
} else parentPort.postMessage(run(workerData));
