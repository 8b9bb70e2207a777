// The validation host's options: one interface, one defaults constant, validated once. The CLI
// maps its flags onto this same type. Defaults follow polkadot-sdk unless a comment says why.
import { availableParallelism } from 'node:os';
import type { ExecutorParams } from '../../runtime/engine/types.js';
import { resolveSandboxOptions, type SandboxOptions } from '../sandbox/index.js';
import { HostOptionError } from './errors.js';
import { type HostLogger, loggerProblem } from './log.js';
import { type HostMetrics, NO_METRICS } from './metrics.js';
import { type Isolation, ISOLATIONS } from './placement.js';
import { stderrLogger } from './stderr-logger.js';

export interface HostOptions {
  /**
   * Worker processes. Default: one per core, at most 4 (polkadot-sdk's node service runs 4
   * execute workers: "8 cores on the reference hardware … 50%", PR #7116).
   */
  readonly workers: number;
  /** Executor options every module is compiled and run with (the engine's defaults). */
  readonly executorParams: Partial<ExecutorParams>;
  /** `DEFAULT_BACKING_EXECUTION_TIMEOUT` (polkadot/primitives executor_params.rs): 2 s of CPU. */
  readonly backingTimeoutMs: number;
  /** `DEFAULT_APPROVAL_EXECUTION_TIMEOUT`: 12 s of CPU; also used for disputes. */
  readonly approvalTimeoutMs: number;
  /** `DEFAULT_PRECHECK_PREPARATION_TIMEOUT`: 60 s, for `prepare()` (prechecking). */
  readonly precheckTimeoutMs: number;
  /** `DEFAULT_LENIENT_PREPARATION_TIMEOUT`: 360 s, for compiling code before an execution. */
  readonly lenientPrepareTimeoutMs: number;
  /**
   * Delay before the one retry of an approval or dispute after an ambiguous death or job
   * error: `PVF_APPROVAL_EXECUTION_RETRY_DELAY` = 3 s (candidate-validation/src/lib.rs).
   */
  readonly retryDelayMs: number;
  /** Jobs waiting for a worker; one more is refused with `QueueFullError` (backpressure). */
  readonly maxQueued: number;
  /**
   * Most requests in flight per worker, so it never idles waiting for the next job. A worker
   * whose recent jobs are long holds two (the running one and the next); one with short jobs
   * holds up to this many, about 1 ms of its work (the pool's `depthFor`).
   */
  readonly pipelineDepth: number;
  /**
   * Verdict isolation between PVFs (placement.ts). Default `'code'`: a worker serves one code
   * hash until it is retired, so a PVF that escapes V8 can forge only its own verdicts, at
   * almost no cost while few codes are active (a retirement, ~one sealed spawn and compile,
   * when a worker changes code). `'job'`: a fresh sealed process per job from warm spares, the
   * reference's model (each job in a process forked for it), at the cost of a spawn and a
   * compile per job (see README, Performance). `'none'`: workers shared by all code; trusted
   * code only.
   */
  readonly isolation: Isolation;
  /** Compiled modules each worker keeps (LRU by code hash + executor params). */
  readonly moduleCacheEntries: number;
  /** Code blobs the host remembers, so `validate({ codeHash })` works after `prepare`. */
  readonly codeCacheEntries: number;
  /**
   * Resident memory above which a worker is killed (its job ends possibly-invalid). The
   * engine caps guest memory at 2080 pages (130 MiB); this catches everything else.
   */
  readonly workerMemoryLimitBytes: number;
  /**
   * How long a new worker may take to answer the handshake. The reference allows 3 s for its
   * Rust workers; a sealed Node worker starts in ~130 ms here but a loaded machine is slower.
   */
  readonly spawnTimeoutMs: number;
  /**
   * How workers are sealed (src/sandbox): every layer the machine offers by default. Running
   * untrusted code needs at least the seccomp network filter; where it is unavailable the host
   * refuses to start unless `sandbox.insecureNoSandbox` is set (logged loudly).
   */
  readonly sandbox: Partial<SandboxOptions>;
  /** The worker bundle; defaults to `dist/worker.js` beside the package's entry point. */
  readonly workerScript: string | undefined;
  /**
   * Whether workers may verify signatures with the native addons built beside the bundle
   * (dist/curve25519/: about a third of the wasm build's time per sr25519 verification, the same
   * verdicts). Default true; false runs only the wasm and JavaScript implementations (the
   * workers get PVF_RUNTIME_NATIVE_CRYPTO=0). Where an addon is not built, the wasm build
   * serves either way.
   */
  readonly nativeCrypto: boolean;
  /**
   * Where operator log lines go (log.ts: worker starts and deaths, kills, respawns, failed
   * preparations; the PVF's own log records as `runtime-log`). Any pino-compatible logger.
   * Default: warnings and errors as text on stderr (`stderrLogger()`).
   */
  readonly logger: HostLogger;
  /** Where the host reports worker, queue and timing events (e.g. `prometheusHostMetrics()`). */
  readonly metrics: HostMetrics;
}

export const DEFAULT_HOST_OPTIONS: HostOptions = Object.freeze({
  workers: Math.max(1, Math.min(4, availableParallelism())),
  executorParams: {},
  backingTimeoutMs: 2_000,
  approvalTimeoutMs: 12_000,
  precheckTimeoutMs: 60_000,
  lenientPrepareTimeoutMs: 360_000,
  retryDelayMs: 3_000,
  maxQueued: 1024,
  pipelineDepth: 8,
  isolation: 'code',
  moduleCacheEntries: 8,
  codeCacheEntries: 64,
  workerMemoryLimitBytes: 2 * 1024 ** 3,
  spawnTimeoutMs: 10_000,
  sandbox: {},
  workerScript: undefined,
  nativeCrypto: true,
  logger: stderrLogger(),
  metrics: NO_METRICS,
});

const INTEGER_RANGES: Partial<Record<keyof HostOptions, readonly [number, number]>> = {
  workers: [1, 256],
  backingTimeoutMs: [1, 3_600_000],
  approvalTimeoutMs: [1, 3_600_000],
  precheckTimeoutMs: [1, 3_600_000],
  lenientPrepareTimeoutMs: [1, 3_600_000],
  retryDelayMs: [0, 3_600_000],
  maxQueued: [1, 1_000_000],
  pipelineDepth: [1, 64],
  moduleCacheEntries: [1, 1024],
  codeCacheEntries: [1, 1_000_000],
  workerMemoryLimitBytes: [64 * 1024 ** 2, 2 ** 50],
  spawnTimeoutMs: [1, 600_000],
};

/**
 * Fills defaults and checks every option once.
 * @throws {HostOptionError} naming the offending option.
 */
export function resolveHostOptions(given: Partial<HostOptions> = {}): HostOptions {
  for (const key of Object.keys(given))
    if (!(key in DEFAULT_HOST_OPTIONS)) throw new HostOptionError(`unknown option '${key}'`);
  const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const o: HostOptions = { ...DEFAULT_HOST_OPTIONS, ...defined };
  for (const [key, [lo, hi]] of Object.entries(INTEGER_RANGES) as [
    keyof HostOptions,
    [number, number],
  ][]) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      throw new HostOptionError(
        `option '${key}' must be an integer in [${lo}, ${hi}], got ${String(v)}`,
      );
  }
  if (o.backingTimeoutMs > o.approvalTimeoutMs)
    // Same rule as ExecutorParams::check_consistency: backing must not outlast approval.
    throw new HostOptionError(`option 'backingTimeoutMs' must not exceed 'approvalTimeoutMs'`);
  if (o.precheckTimeoutMs > o.lenientPrepareTimeoutMs)
    throw new HostOptionError(
      `option 'precheckTimeoutMs' must not exceed 'lenientPrepareTimeoutMs'`,
    );
  try {
    resolveSandboxOptions(o.sandbox);
  } catch (e) {
    throw new HostOptionError(`option ${(e as Error).message}`);
  }
  if (!ISOLATIONS.includes(o.isolation))
    throw new HostOptionError(
      `option 'isolation' must be one of ${ISOLATIONS.map((i) => `'${i}'`).join(', ')}, got ${String(o.isolation)}`,
    );
  if (typeof o.nativeCrypto !== 'boolean')
    throw new HostOptionError(`option 'nativeCrypto' must be true or false`);
  if (o.workerScript !== undefined && typeof o.workerScript !== 'string')
    throw new HostOptionError(`option 'workerScript' must be a path`);
  const badLogger = loggerProblem(o.logger);
  if (badLogger !== undefined) throw new HostOptionError(`option 'logger' ${badLogger}`);
  if (
    Object.keys(NO_METRICS).some((k) => typeof o.metrics?.[k as keyof HostMetrics] !== 'function')
  )
    throw new HostOptionError(`option 'metrics' must implement every HostMetrics method`);
  if (typeof o.executorParams !== 'object' || o.executorParams === null)
    throw new HostOptionError(`option 'executorParams' must be an object`);
  return Object.freeze(o);
}
