// The public face of the validation host: untrusted code and PoV bytes go in, typed outcomes
// come out. The host only hashes and frames bytes; everything untrusted is decompressed,
// parsed, compiled and run inside sealed workers (pool.ts). This file adds what the reference's
// candidate-validation subsystem adds on top of its PVF host: per-kind timeouts, the retry
// policy, failed preparations kept (prepare-cache.ts), and the mapping from an attempt to an
// outcome. Over 400 lines: it is the public request API, and each method's argument checks
// and outcome mapping stay next to the method they document.
import { performance } from 'node:perf_hooks';
import { decodeValidationResult } from '../../runtime/codec/validation.js';
import { checkExecutorParams, type ExecutorParams } from '../../runtime/engine/index.js';
import type { CodeRef, ExecuteInput, HostMessage } from '../../runtime/protocol/messages.js';
import { LruCache } from '../../runtime/worker/module-cache.js';
import { codeHashOf, hexOf, loadCodeHasher, parseCodeHash } from './code-hash.js';
import {
  HostClosedError,
  HostOptionError,
  HostRequestError,
  QueueFullError,
  UnknownCodeError,
} from './errors.js';
import { emit } from './log.js';
import type { RequestName } from './metrics.js';
import { type HostOptions, resolveHostOptions } from './options.js';
import { logPreparationFailed, logRuntime } from './request-log.js';
import {
  type CallOutcome,
  classifyAttempt,
  type ClassifiedAttempt,
  type PrepareOutcome,
  type ValidationOutcome,
} from './outcome.js';
import { type AttemptResult, WorkerPool } from './pool.js';
import { FailedPreparations, fromStore, type PreparePurpose } from './prepare-cache.js';
import { PRIORITIES, type Priority } from './scheduler.js';
import { defaultWorkerScript, sealedSpawner, type WorkerSpawner } from './spawner.js';

/** The reference's node-side `PvfExecKind`: decides timeout, priority and retries. */
export type ExecKind = Priority;

/** Persisted validation data plus a PoV whose block data may be compressed. */
export interface PovParams {
  readonly parentHead: Uint8Array;
  /** The PoV's block data, compressed (`sp-maybe-compressed-blob` PoV prefix) or not. */
  readonly blockData: Uint8Array;
  readonly relayParentNumber: number;
  readonly relayParentStorageRoot: Uint8Array;
}

/** Names the code: the blob itself, or the hash of a blob given earlier to `prepare`. */
export interface CodeSource {
  readonly code?: Uint8Array;
  /** BLAKE2b-256 of the code blob (bytes or 0x-hex). */
  readonly codeHash?: Uint8Array | string;
}

export interface ValidateRequest extends CodeSource {
  /** SCALE `ValidationParams`, or the parts to build them from (the worker decompresses). */
  readonly params: Uint8Array | PovParams;
  /** Default `backing`. */
  readonly kind?: ExecKind;
  /** CPU-time budget; default per kind (`backingTimeoutMs` / `approvalTimeoutMs`). */
  readonly timeoutMs?: number;
}

export interface CallRequest extends CodeSource {
  /** An export of type `(i32, i32) -> i64`, e.g. `Core_version`. */
  readonly fn: string;
  readonly input?: Uint8Array;
  /** CPU-time budget; default `approvalTimeoutMs`. */
  readonly timeoutMs?: number;
}

export interface PrepareRequestOptions {
  /** `precheck` (default) also instantiates without running; `compile` only compiles. */
  readonly kind?: 'precheck' | 'compile';
}

export class ValidationHost {
  private readonly codes: LruCache<Uint8Array>;
  /** The reference's `FailedToProcess` artifacts (prepare-cache.ts). */
  private readonly failedPreps: FailedPreparations;
  private readonly params: ExecutorParams;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly waits = new Set<{ timer: NodeJS.Timeout; wake(): void }>();
  /** Requests accepted and not yet settled, and who waits for their count to reach 0. */
  private active = 0;
  private onIdle: (() => void) | undefined;

  private constructor(
    private readonly opts: HostOptions,
    private readonly pool: WorkerPool,
  ) {
    this.codes = new LruCache(opts.codeCacheEntries);
    this.failedPreps = new FailedPreparations(opts.codeCacheEntries);
    this.params = checkExecutorParams(opts.executorParams);
  }

  /**
   * Validates the options, checks the sandbox, starts the workers and waits until each has
   * passed its handshake and the outside check.
   * @throws {HostOptionError} for a bad option.
   * @throws {SandboxUnavailableError} when workers cannot be sealed and `sandbox.insecureNoSandbox` is off.
   * @throws {WorkerStartError} when no worker could be started.
   */
  static async create(options: Partial<HostOptions> = {}): Promise<ValidationHost> {
    return ValidationHost.createWith(options, undefined);
  }

  /** `create` with a given spawner (tests wrap the sealed one to inject faults). @internal */
  static async createWith(
    options: Partial<HostOptions>,
    spawner: WorkerSpawner | undefined,
  ): Promise<ValidationHost> {
    const opts = resolveHostOptions(options);
    await loadCodeHasher();
    try {
      checkExecutorParams(opts.executorParams);
    } catch (e) {
      throw new HostOptionError(`option 'executorParams': ${(e as Error).message}`);
    }
    if (opts.sandbox.insecureNoSandbox)
      emit(
        opts.logger,
        'warn',
        { event: 'insecure-no-sandbox' },
        'WARNING: sandbox.insecureNoSandbox is set: where the seccomp network filter is ' +
          'unavailable, untrusted PVF code will run in UNSEALED workers. Never on a validator.',
      );
    const pool = new WorkerPool(
      opts,
      spawner ??
        sealedSpawner(opts.sandbox, {
          nativeCrypto: opts.nativeCrypto,
          // A worker of `isolation: 'job'` compiles the code for one job: eager Liftoff, the
          // cheapest full compile, as before eager TurboFan (runtime/engine/compile.ts).
          ...(opts.isolation === 'job' ? { compile: 'baseline' as const } : {}),
        }),
      opts.workerScript ?? defaultWorkerScript(),
    );
    await pool.start();
    opts.metrics.attach(pool.view);
    return new ValidationHost(opts, pool);
  }

  /** The pids of the live workers. */
  get workerPids(): number[] {
    return this.pool.pids;
  }

  /**
   * Prechecks code in a worker: decompress, check, compile and (by default) instantiate
   * without running. On success the host remembers the code under its hash.
   */
  prepare(code: Uint8Array, options: PrepareRequestOptions = {}): Promise<PrepareOutcome> {
    return this.track('prepare', () => this.prepareOnce(code, options));
  }

  private async prepareOnce(
    code: Uint8Array,
    options: PrepareRequestOptions,
  ): Promise<PrepareOutcome> {
    if (!(code instanceof Uint8Array)) throw new HostRequestError('code must be a Uint8Array');
    const kind = options.kind ?? 'precheck';
    const ref = this.codeRef({ code });
    const started = performance.now();
    const purpose: PreparePurpose = kind === 'precheck' ? 'precheck' : 'execute';
    const stored = this.failedPreps.blocked(hexOf(ref.codeHash), purpose);
    if (stored !== undefined) return fromStore(stored, started);
    const timeoutMs =
      kind === 'precheck' ? this.opts.precheckTimeoutMs : this.opts.lenientPrepareTimeoutMs;
    const c = await this.attempt(
      'backing',
      ref,
      false,
      timeoutMs,
      (id) => ({ tag: 'prepare', id, code: ref, prepKind: kind }),
      true,
    );
    this.notePreparation(ref.codeHash, c, kind, started);
    const timing = { durationMs: performance.now() - started, attempts: 1 };
    if (c.kind !== 'success') return { ...c, ...timing };
    if (c.outcome.kind !== 'prepared') return unexpected(c.outcome.kind, timing);
    return {
      kind: 'prepared',
      codeHash: ref.codeHash,
      codeBytes: c.outcome.codeBytes,
      compileMs: c.outcome.compileMicros / 1000,
      ...timing,
    };
  }

  /** Runs `validate_block`. Resolves with exactly one outcome; see outcome.ts. */
  validate(req: ValidateRequest): Promise<ValidationOutcome> {
    return this.track('validate', () => this.validateOnce(req));
  }

  private async validateOnce(req: ValidateRequest): Promise<ValidationOutcome> {
    const kind = req.kind ?? 'backing';
    if (!PRIORITIES.includes(kind)) throw new HostRequestError(`unknown kind '${String(kind)}'`);
    const ref = this.codeRef(req);
    const input = executeInput(req.params);
    if (input.kind === 'pov')
      this.opts.metrics.povSize(input.blockData.length, isCompressed(input.blockData));
    const timeoutMs = this.timeoutFor(kind, req.timeoutMs);
    const stored = this.failedPreps.blocked(hexOf(ref.codeHash), 'execute');
    if (stored !== undefined) return fromStore(stored, performance.now());
    const { c, timing } = await this.withRetries(kind, timeoutMs, (budget) =>
      this.attempt(kind, ref, true, budget, (id) => ({
        tag: 'execute',
        id,
        code: { ...ref, code: undefined },
        input,
      })),
    );
    this.notePreparation(ref.codeHash, c, kind, performance.now() - timing.durationMs);
    if (c.kind !== 'success') return { ...c, ...timing };
    if (c.outcome.kind !== 'valid') return unexpected(c.outcome.kind, timing);
    // A copy owned by the caller: the reply's bytes are a view into the received frame.
    // (Also, runtime/codec/strict.ts reads through `bytes.buffer` from offset 0.)
    const resultBytes = new Uint8Array(c.outcome.result);
    let result;
    try {
      result = decodeValidationResult(resultBytes);
    } catch (e) {
      // The worker checked this decode already: only a broken worker gets here.
      return {
        kind: 'possibly-invalid',
        reason: 'job-error',
        message: `worker returned an undecodable result: ${(e as Error).message}`,
        ...timing,
      };
    }
    return {
      kind: 'valid',
      result,
      resultBytes,
      logs: c.outcome.logs,
      ...timing,
    };
  }

  /** Calls any runtime export `(i32, i32) -> i64` (e.g. `Core_version`) with `input`. */
  call(req: CallRequest): Promise<CallOutcome> {
    return this.track('call', () => this.callOnce(req));
  }

  private async callOnce(req: CallRequest): Promise<CallOutcome> {
    if (typeof req.fn !== 'string' || req.fn.length === 0)
      throw new HostRequestError('fn must name an export');
    const ref = this.codeRef(req);
    const input = req.input ?? new Uint8Array(0);
    if (!(input instanceof Uint8Array)) throw new HostRequestError('input must be a Uint8Array');
    const timeoutMs = this.timeoutFor('approval', req.timeoutMs);
    const started = performance.now();
    const stored = this.failedPreps.blocked(hexOf(ref.codeHash), 'execute');
    if (stored !== undefined) return fromStore(stored, started);
    const c = await this.attempt('approval', ref, true, timeoutMs, (id) => ({
      tag: 'call',
      id,
      code: { ...ref, code: undefined },
      fn: req.fn,
      input,
    }));
    this.notePreparation(ref.codeHash, c, 'call', started);
    const timing = { durationMs: performance.now() - started, attempts: 1 };
    if (c.kind !== 'success') return { ...c, ...timing };
    if (c.outcome.kind !== 'returned') return unexpected(c.outcome.kind, timing);
    return {
      kind: 'returned',
      output: new Uint8Array(c.outcome.output),
      logs: c.outcome.logs,
      ...timing,
    };
  }

  /**
   * Closes the host. Jobs still queued, running or waiting for a retry reject with
   * `HostClosedError` (a job whose reply arrives first keeps its outcome); later calls reject
   * with it. Every call, concurrent or repeated, resolves only once the host is fully closed:
   * every job settled, every worker process and its process group gone.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.closed = true;
    for (const w of this.waits) {
      clearTimeout(w.timer);
      w.wake();
    }
    await this.pool.close();
    if (this.active > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
    // Let every settled request's own continuations run before close() resolves.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * Runs one request, counted until it settles (close() waits for the count to reach 0); its
   * outcome goes to the metrics.
   */
  private async track<T extends { kind: string; reason?: string }>(
    request: RequestName,
    run: () => Promise<T>,
  ): Promise<T> {
    this.assertOpen();
    this.active++;
    try {
      const out = await run();
      this.opts.metrics.outcome(request, out.kind, out.reason ?? '');
      return out;
    } finally {
      if (--this.active === 0) this.onIdle?.();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new HostClosedError('the validation host is closed');
  }

  private timeoutFor(kind: ExecKind, given: number | undefined): number {
    if (given !== undefined) {
      if (!Number.isInteger(given) || given < 1)
        throw new HostRequestError('timeoutMs must be a positive integer');
      return given;
    }
    return kind === 'backing' || kind === 'backing-system-paras'
      ? this.opts.backingTimeoutMs
      : this.opts.approvalTimeoutMs;
  }

  private codeRef(src: CodeSource): CodeRef & { code: Uint8Array } {
    if (src.code !== undefined) {
      if (!(src.code instanceof Uint8Array))
        throw new HostRequestError('code must be a Uint8Array');
      const codeHash = codeHashOf(src.code);
      if (src.codeHash !== undefined && hexOf(parseCodeHash(src.codeHash)) !== hexOf(codeHash))
        throw new HostRequestError('codeHash does not match code');
      this.codes.set(hexOf(codeHash), src.code);
      return { codeHash, params: this.params, code: src.code };
    }
    if (src.codeHash === undefined) throw new HostRequestError('give code or codeHash');
    const codeHash = parseCodeHash(src.codeHash);
    const code = this.codes.get(hexOf(codeHash));
    if (code === undefined)
      throw new UnknownCodeError(`no code with hash ${hexOf(codeHash)} was given to this host`);
    return { codeHash, params: this.params, code };
  }

  /**
   * Keeps a preparation error (`FailedToProcess`) and logs it; a worker's verdict means it
   * prepared. Also hands the PVF's log records, if any, to the operator log.
   */
  private notePreparation(
    codeHash: Uint8Array,
    c: ClassifiedAttempt,
    kind: string,
    started: number,
  ): void {
    const key = hexOf(codeHash);
    logRuntime(this.opts.logger, key, c);
    if (c.kind === 'preparation-error') {
      this.failedPreps.failed(key, c);
      logPreparationFailed(this.opts.logger, key, kind, c, performance.now() - started);
    } else if (c.kind === 'success' || (c.kind === 'invalid' && c.reason === 'worker-reported'))
      this.failedPreps.prepared(key);
  }

  /**
   * One attempt through the pool, classified. Rejects with HostClosedError if closed meanwhile.
   * For a `prepare` request (`isPrepare`) the whole job is a preparation, so a timeout or a
   * death is the reference's `PrepareError::TimedOut` / `JobDied`, never an execution's
   * hard timeout or ambiguous death.
   */
  private attempt(
    priority: Priority,
    code: CodeRef & { code: Uint8Array },
    needsModule: boolean,
    timeoutMs: number,
    build: (id: number) => HostMessage,
    isPrepare = false,
  ): Promise<ClassifiedAttempt> {
    return new Promise((resolve, reject) => {
      const done = (r: AttemptResult) => {
        if (r.kind === 'failed' && r.failure.kind === 'closed')
          reject(new HostClosedError('the validation host was closed'));
        else
          resolve(
            classifyAttempt(isPrepare && r.kind === 'failed' ? { ...r, phase: 'prepare' } : r),
          );
      };
      const accepted = this.pool.submit({
        priority,
        code,
        build,
        timeoutMs,
        prepareTimeoutMs: this.opts.lenientPrepareTimeoutMs,
        needsModule,
        done,
      });
      if (!accepted)
        reject(new QueueFullError(`the queue holds ${this.opts.maxQueued} jobs (maxQueued)`));
    });
  }

  /**
   * `validate_candidate_with_retry` (polkadot/node/core/candidate-validation/src/lib.rs): backing
   * runs once ("Retry is disabled to reduce the chance of nondeterministic blocks getting
   * backed"); approval and dispute get one retry per error class — ambiguous death, job error,
   * internal error — after `retryDelayMs`, unless elapsed + delay would pass the timeout; the
   * retry gets the time left.
   */
  private async withRetries(
    kind: ExecKind,
    timeoutMs: number,
    run: (budgetMs: number) => Promise<ClassifiedAttempt>,
  ): Promise<{ c: ClassifiedAttempt; timing: { durationMs: number; attempts: number } }> {
    const started = performance.now();
    let c = await run(timeoutMs);
    let attempts = 1;
    if (kind === 'approval' || kind === 'dispute') {
      const left = { death: 1, jobError: 1, internal: 1 };
      for (;;) {
        const elapsed = performance.now() - started;
        if (elapsed + this.opts.retryDelayMs > timeoutMs) break;
        const budget =
          c.kind === 'possibly-invalid'
            ? c.reason === 'job-error'
              ? 'jobError'
              : 'death'
            : c.kind === 'internal-error'
              ? 'internal'
              : undefined;
        if (budget === undefined || left[budget] === 0) break;
        left[budget]--;
        await this.sleep(this.opts.retryDelayMs);
        this.assertOpen();
        const remaining = Math.max(1, Math.floor(timeoutMs - (performance.now() - started)));
        c = await run(remaining);
        attempts++;
      }
    }
    return { c, timing: { durationMs: performance.now() - started, attempts } };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const w = {
        timer: setTimeout(() => {
          this.waits.delete(w);
          resolve();
        }, ms),
        wake: resolve,
      };
      this.waits.add(w);
    });
  }
}

/**
 * sp-maybe-compressed-blob's `ZSTD_PREFIX` without its type byte (the same bytes as
 * runtime/blob/code-blob.ts, which the host does not load: the worker decompresses).
 */
const POV_PREFIX = [0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e];

/** Whether bytes start with the compression prefix: a label for the PoV size metric only. */
function isCompressed(b: Uint8Array): boolean {
  return b.length >= POV_PREFIX.length && POV_PREFIX.every((x, i) => b[i] === x);
}

function executeInput(p: Uint8Array | PovParams): ExecuteInput {
  if (p instanceof Uint8Array) return { kind: 'params', params: p };
  if (typeof p !== 'object' || p === null)
    throw new HostRequestError('params must be bytes or PoV parts');
  for (const k of ['parentHead', 'blockData', 'relayParentStorageRoot'] as const)
    if (!(p[k] instanceof Uint8Array))
      throw new HostRequestError(`params.${k} must be a Uint8Array`);
  if (p.relayParentStorageRoot.length !== 32)
    throw new HostRequestError('params.relayParentStorageRoot must have 32 bytes');
  if (
    !Number.isInteger(p.relayParentNumber) ||
    p.relayParentNumber < 0 ||
    p.relayParentNumber > 0xffffffff
  )
    throw new HostRequestError('params.relayParentNumber must be a u32');
  return { kind: 'pov', ...p };
}

function unexpected(kind: string, timing: { durationMs: number; attempts: number }) {
  return {
    kind: 'internal-error' as const,
    message: `worker answered '${kind}' to the wrong request kind`,
    ...timing,
  };
}
