// One cold start on a real block, in a process of its own started with the V8 flags under test
// (blocks-cold.ts): the worker's start-up warm-ups, prepare, the first validation of the block,
// the second, then warm ones, and warm ones after evicting the CPU caches. Prints one JSON object
// of CPU times (process-cpu.ts) and prepare's wall time. Without a block, prepare only (its cost
// on the largest runtime).
// argv: <code.wasm> <block.params | -> [option,...]; options: no-host-warmup, baseline or
// optimized (the compilation mode, runtime/engine/compile.ts; lazy without either; workers
// compile `optimized`).
import { readFileSync } from 'node:fs';
import { prepare, validateBlock } from '../runtime/engine/index.js';
import { makeStandby } from '../runtime/engine/standby.js';
import { warmUpHostCalls } from '../runtime/host/call-warmup.js';
import { warmUpHostFunctions } from '../runtime/host/host-warmup.js';
import { cacheEvicter } from './cache-evict.js';
import { processCpuMs } from './process-cpu.js';

const [wasmFile, paramsFile, optionList = ''] = process.argv.slice(2) as [string, string, string?];
const options = new Set(optionList.split(',').filter((o) => o !== ''));
const wasm = readFileSync(wasmFile);
const cpu = processCpuMs;
// Made first, so that the collection its allocation may start does not fall on the runs.
const evictCaches = cacheEvicter();
// As a worker does before its first job (runtime/worker-thread.ts); the signature warm-up
// already ran when the host functions were imported.
if (!options.has('no-host-warmup')) {
  warmUpHostFunctions();
  warmUpHostCalls();
}
const timed = (fn: () => void) => {
  const [c, w] = [cpu(), performance.now()];
  fn();
  return { cpu: cpu() - c, wall: performance.now() - w };
};
let prepared: Extract<ReturnType<typeof prepare>, { kind: 'prepared' }>['prepared'] | undefined;
const prep = timed(() => {
  const compile = (['optimized', 'baseline'] as const).find((m) => options.has(m)) ?? 'lazy';
  const p = prepare(wasm, {}, { compile });
  if (p.kind !== 'prepared') throw new Error(p.message);
  prepared = p.prepared;
});
if (paramsFile === '-') {
  process.stdout.write(JSON.stringify({ prepareWallMs: prep.wall, prepareCpuMs: prep.cpu }));
  process.exit(0);
}
const params = readFileSync(paramsFile);
// Each validation finds the next instance made, as a worker makes it while it waits for the
// request (runtime/worker/jobs.ts, idle), outside the timing.
const validate = () => {
  if (validateBlock(prepared!, params).kind !== 'valid') throw new Error('block not valid');
};
const timedValidation = () => (makeStandby(prepared!), timed(validate));
const first = timedValidation();
const second = timedValidation();
// Warm: after two more validations (tier-up), the mean of enough runs to span 300 ms of CPU.
for (let i = 0; i < 2; i++) validate();
const warmRuns: number[] = [];
for (let spent = 0; spent < 300 || warmRuns.length < 3;) {
  const t = timedValidation().cpu;
  warmRuns.push(t);
  spent += t;
}
// The same with the CPU caches evicted before each, outside the timing (cache-evict.ts).
const evictedRuns: number[] = [];
for (let spent = 0; spent < 300 || evictedRuns.length < 3;) {
  evictCaches();
  makeStandby(prepared!);
  const t = timed(validate).cpu;
  evictedRuns.push(t);
  spent += t;
}
process.stdout.write(
  JSON.stringify({
    prepareWallMs: prep.wall,
    prepareCpuMs: prep.cpu,
    firstCpuMs: first.cpu,
    secondCpuMs: second.cpu,
    warmCpuMs: warmRuns.reduce((a, b) => a + b, 0) / warmRuns.length,
    evictedCpuMs: evictedRuns.reduce((a, b) => a + b, 0) / evictedRuns.length,
  }),
);
