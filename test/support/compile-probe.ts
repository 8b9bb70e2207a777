// Child-process probe for engine/compile.ts, run under any Node binary (the Node matrix's
// majors) with `--allow-natives-syntax`, optionally with V8 flags on the command line. On the
// thread the worker loop uses (a worker thread) or on the main thread, it reports:
//   before/after — whether an asynchronous `WebAssembly.compile` settles within TIMEOUT_MS
//                  before and after an eager compile (the Node 24 hang shows as "timeout");
//   lazy/baseline/optimized — the tier of an exported function of a module from
//                  compileModule(bytes, mode), before its first call: `uncompiled`, `liftoff`
//                  or `turbofan` (V8's %IsUncompiledWasmFunction, %IsLiftoffFunction,
//                  %IsTurboFanFunction);
//   later        — the tier of a `lazy` module's function compiled after the others, LATER_MS
//                  after its first call (flags switched back: `liftoff`, not tiered up in the
//                  background, unless the command line said otherwise).
// With `async-only` (thread only), only whether one asynchronous compile settles when nothing
// else keeps the thread's event loop alive (as in the worker when hash-wasm compiles at load):
// "settled", or the thread's exit code if it ended first.
// Usage: node --allow-natives-syntax [v8 flags] --import tsx compile-probe.ts main|thread [async-only]
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { type CompileMode, compileModule } from '../../runtime/engine/compile.js';
import { funcType, I32, module, name, section, u32, vec } from './wasm-bytes.js';

const TIMEOUT_MS = 3000;
/**
 * Long enough for a one-function module's background TurboFan compile, which without dynamic
 * tiering follows the first call at once (a few ms here, on a loaded machine too).
 */
const LATER_MS = 300;

/** `(module (func (export name)))`, one distinct module per name (V8 caches by bytes). */
function moduleExporting(name: string): Uint8Array {
  const n = new TextEncoder().encode(name);
  return new Uint8Array([
    ...[0, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...[1, 4, 1, 0x60, 0, 0], // type section: () -> ()
    ...[3, 2, 1, 0], // function section: one function of type 0
    ...[7, n.length + 4, 1, n.length, ...n, 0, 0], // export section: name -> func 0
    ...[10, 4, 1, 2, 0, 0x0b], // code section: an empty body
  ]);
}

const native = (name: string) => new Function('f', `return %${name}(f)`) as (f: unknown) => boolean;
const isUncompiled = native('IsUncompiledWasmFunction');
const isLiftoff = native('IsLiftoffFunction');
const isTurboFan = native('IsTurboFanFunction');

function tier(f: unknown): 'uncompiled' | 'liftoff' | 'turbofan' | 'other' {
  if (isUncompiled(f)) return 'uncompiled';
  if (isLiftoff(f)) return 'liftoff';
  return isTurboFan(f) ? 'turbofan' : 'other';
}

async function settles(name: string): Promise<'settled' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (r) => (timer = setTimeout(() => r('timeout'), TIMEOUT_MS)),
  );
  const done = WebAssembly.compile(moduleExporting(name)).then(() => 'settled' as const);
  const out = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return out;
}

/** The tier of the exported function of a module from `mode`, before its first call. */
function tierAfter(name: string, mode: CompileMode): string {
  const m = compileModule(moduleExporting(name), mode);
  if (m instanceof Error) throw m;
  return tier(new WebAssembly.Instance(m).exports[name]);
}

/** The tier of a `lazy` module's exported function `LATER_MS` after its first call. */
async function tierLater(name: string): Promise<string> {
  const m = compileModule(moduleExporting(name), 'lazy');
  if (m instanceof Error) throw m;
  const f = new WebAssembly.Instance(m).exports[name] as () => void;
  f();
  await new Promise((r) => setTimeout(r, LATER_MS));
  return tier(f);
}

/**
 * `count` functions that each add up their parameter a few times, the first exported as `f`:
 * a module whose compile takes long enough (tens of ms) that it cannot finish before an event
 * loop with nothing else to do checks whether to end; a one-function module sometimes did.
 */
function largeModule(count: number): Uint8Array {
  const body = [
    0,
    ...Array.from({ length: 64 }, () => [0x20, 0, 0x20, 0, 0x6a, 0x21, 0]).flat(),
    0x20,
    0,
    0x0b,
  ];
  return module(
    section(1, vec([funcType([I32], [I32])])),
    section(3, vec(Array.from({ length: count }, () => [0]))),
    section(7, vec([[...name('f'), 0, 0]])),
    section(10, vec(Array.from({ length: count }, () => [...u32(body.length), ...body]))),
  );
}

async function probe(asyncOnly: boolean): Promise<Record<string, unknown>> {
  if (asyncOnly) {
    await WebAssembly.compile(largeModule(20_000));
    return { async: 'settled' };
  }
  const before = await settles('before');
  const tiers = {
    lazy: tierAfter('lazy', 'lazy'),
    baseline: tierAfter('baseline', 'baseline'),
    optimized: tierAfter('optimized', 'optimized'),
    later: await tierLater('later'),
  };
  const after = await settles('after');
  return { before, ...tiers, after };
}

if (isMainThread) {
  const [where, mode] = process.argv.slice(2);
  const asyncOnly = mode === 'async-only';
  if (where === 'thread') {
    const w = new Worker(new URL(import.meta.url), { workerData: { asyncOnly } });
    w.on('message', (m) => {
      process.stdout.write(JSON.stringify(m));
      process.exit(0);
    });
    w.on('exit', (code) => {
      process.stdout.write(JSON.stringify({ async: `thread exited (${code})` }));
      process.exit(0);
    });
  } else {
    process.stdout.write(JSON.stringify(await probe(asyncOnly)));
    process.exit(0);
  }
} else {
  parentPort!.postMessage(await probe((workerData as { asyncOnly: boolean }).asyncOnly));
}
