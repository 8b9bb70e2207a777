// The one place a (transformed) binary becomes a `WebAssembly.Module`: V8's compile stands where
// the reference's wasmtime compile does (so a refusal is a preparation error), optionally with
// every function compiled at once, as the reference's prepare compiles the whole artifact.
//
// Three modes (CompileMode). `lazy` is V8's default: each function compiled with Liftoff (the
// baseline compiler) on its first call, then recompiled with TurboFan in the background once
// it has run enough. `baseline` compiles every function with Liftoff now (V8's
// `--no-wasm-lazy-compilation`); they still tier up while they run. `optimized` compiles every
// function with TurboFan now (`--no-wasm-lazy-compilation` and `--no-liftoff`): the code a
// validation runs is final, as the reference's prepare hands the execute worker fully compiled
// Cranelift code, so no validation pays for compiling or runs slower code first.
//
// The flags are switched on only for the duration of one synchronous compile and switched back
// before anything else runs: V8 reads them when a compile starts, and a module compiled with
// them keeps its code. They are not process-wide flags because on Node 24 (V8 13.6), while
// `--no-wasm-lazy-compilation` is set, a pending asynchronous compile (`WebAssembly.compile`/
// `instantiate` on bytes: hash-wasm builds its hashers that way) no longer keeps the event loop
// alive: a thread awaiting one with nothing else to do ends, which is what the worker's loop
// thread does while its hashing module loads (the control in test/runtime/engine/compile.test.ts).
// Within a synchronous compile no JavaScript runs, so no asynchronous compile can start
// meanwhile; the worker's own modules are compiled before its first job
// (runtime/host/hash-functions.ts awaits them when it loads). Node's documentation warns that
// flags changed after the VM has started may behave unpredictably: these are read when a compile
// starts, and compile.test.ts checks on every Node major of the matrix that each mode yields
// code of its tier and that compiles before and after behave as without it.
//
// Workers compile in WORKER_COMPILE_MODE, chosen per V8 major by measurement (`npm run bench --
// blocks`, cold rows, README Performance: cold vs warm).
import { setFlagsFromString } from 'node:v8';

/** How `compileModule` compiles (see the header). */
export type CompileMode = 'lazy' | 'baseline' | 'optimized';

const V8_MAJOR = Number.parseInt(process.versions.v8, 10);

/**
 * How workers compile a PVF at prepare. `optimized` up to V8 12 (Node 20 and 22): on the 5.3 MB
 * Asset Hub runtime it costs 3.4–4.7 s of CPU at prepare (1.7–2.4 s wall on 2 cores; Moonbase,
 * the largest fixture, 8.6–9.7 s of CPU, against the reference's 60 s preparation budget, which
 * is CPU time too), makes a 100-transfer block's warm validation a fifth to a quarter cheaper in
 * CPU than `baseline`, whose functions keep tiering up in the background validation after
 * validation, and brings its first validation within 1.05–1.7× of a warm one. `baseline` on V8
 * 13 (Node 24), where eager TurboFan costs 2.1–2.6× as much at prepare (8.1–12.4 s of CPU for
 * Asset Hub, 18.5–19.9 s for Moonbase) and gains nothing consistent: its warm 100-transfer
 * validations were no faster than tiered-up code in two runs, its full-block ones slower in one
 * and faster in the other (V8 13's TurboFan inlines wasm calls by the feedback Liftoff code
 * gathers, which eager code has none of). Measured with `npm run bench -- blocks` (cold rows).
 */
export const WORKER_COMPILE_MODE: CompileMode = V8_MAJOR < 13 ? 'optimized' : 'baseline';

/**
 * The environment variable through which a host tells its workers to compile in another mode
 * than WORKER_COMPILE_MODE: `baseline` for `isolation: 'job'`, where each worker process
 * compiles the code for one job only, so eager TurboFan's prepare cost (seconds for a Cumulus
 * runtime) would be paid on every job for nothing (src/host/spawner.ts).
 */
export const COMPILE_MODE_ENV = 'PVF_RUNTIME_COMPILE';

/** The mode a worker compiles in: COMPILE_MODE_ENV when it names a mode, else the default. */
export function workerCompileMode(env: NodeJS.ProcessEnv = process.env): CompileMode {
  const named = env[COMPILE_MODE_ENV];
  return named === 'lazy' || named === 'baseline' || named === 'optimized'
    ? named
    : WORKER_COMPILE_MODE;
}

/**
 * Compiles `bytes` in `mode`.
 * @returns the module, or the `CompileError` V8 refused the code with (any other error throws).
 */
export function compileModule(bytes: Uint8Array, mode: CompileMode): WebAssembly.Module | Error {
  const flags = FLAGS[mode];
  for (const f of flags) if (f.on !== undefined) setFlagsFromString(f.on);
  try {
    return new WebAssembly.Module(bytes);
  } catch (err) {
    if (err instanceof WebAssembly.CompileError) return err;
    throw err;
  } finally {
    for (const f of flags) setFlagsFromString(f.off);
  }
}

/** A V8 flag set before a compile (`on`; none when V8 sets it by implication) and reset after. */
interface Toggle {
  readonly on?: string;
  readonly off: string;
}

/**
 * A flag given on the command line stays as the process asked for it: a process started with
 * `--no-wasm-lazy-compilation` or `--no-liftoff` (or without tier-up) is not switched back.
 */
function unlessGiven(on: string, off: string, implied = false): Toggle[] {
  if (process.execArgv.includes(on)) return [];
  return [implied ? { off } : { on, off }];
}

const EAGER = unlessGiven('--no-wasm-lazy-compilation', '--wasm-lazy-compilation');

/**
 * `--no-liftoff` also switches off, by V8's flag implications, `--wasm-tier-up` and
 * `--wasm-dynamic-tiering` (code without Liftoff has nothing to tier up from); switching Liftoff
 * back on does not switch them back. Left off, every module compiled lazily afterwards would
 * have all its functions recompiled with TurboFan in the background right after their first
 * call (seen on Node 20 and 22; compile.test.ts checks it), so they are reset too.
 */
const OPTIMIZED = process.execArgv.includes('--no-liftoff')
  ? []
  : [
      { on: '--no-liftoff', off: '--liftoff' },
      ...unlessGiven('--no-wasm-tier-up', '--wasm-tier-up', true),
      ...unlessGiven('--no-wasm-dynamic-tiering', '--wasm-dynamic-tiering', true),
    ];

const FLAGS: Record<CompileMode, readonly Toggle[]> = {
  lazy: [],
  baseline: EAGER,
  optimized: [...EAGER, ...OPTIMIZED],
};
