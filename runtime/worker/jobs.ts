// What a worker does with each request: prepare (decompress, check, compile; a precheck also
// runs the ABI's construction test), execute `validate_block`, or call any runtime export —
// the same code for every ABI (../pvf/prepared.ts). Every request gets exactly one
// JobOutcome; an exception that escapes the engine becomes a `job-error` (the reference's
// `JobError`), never a dead worker.
import { workerCompileMode } from '../engine/compile.js';
import type { CallOutcome, EngineOutcome, LogRecord } from '../engine/index.js';
import { preparePvf } from '../pvf/prepare.js';
import type { PreparedPvf } from '../pvf/prepared.js';
import type {
  CodeRef,
  ExecuteInput,
  JobOutcome,
  PrepareKind,
  WireLog,
  WirePrepareError,
} from '../protocol/messages.js';
import { decompressCode, decompressPov, encodeParams } from './inputs.js';
import { LruCache, moduleKey } from './module-cache.js';

/** How this worker compiles: fixed for its life (engine/compile.ts, workerCompileMode). */
const COMPILE_MODE = workerCompileMode();

export class Jobs {
  private readonly modules: LruCache<{ prepared: PreparedPvf; codeBytes: number }>;
  /**
   * The code of the last execution, call or preparation for execution (not a precheck), the
   * likeliest code of the next one, and its cache key: dropped when the cache evicts it, so
   * that it does not outlive the cache's bound.
   */
  private last: { prepared: PreparedPvf; key: string } | undefined;

  constructor(cacheEntries: number) {
    this.modules = new LruCache(cacheEntries);
  }

  async prepare(code: CodeRef, kind: PrepareKind): Promise<JobOutcome> {
    const started = process.hrtime.bigint();
    const got = await this.module(code, kind);
    if (got.kind !== 'module') return got.outcome;
    const compileMicros = Number((process.hrtime.bigint() - started) / 1000n);
    // Prepared code gets its first instance now, before the answer, and not while the worker
    // waits (idle): a module's first instance costs V8 its wrappers for the module's imports
    // and exports (Asset Hub: 6.7–9.9 ms, later ones 0.5–0.9 ms), and the first validation,
    // sent as soon as the answer arrives, found it still being made, waited for it and was
    // billed for its CPU. The reference compiles its trampolines into the artifact too. No
    // guest code runs (engine/standby.ts: no standby for a start function).
    // A precheck too: the host sends the next execution of that code straight to this worker,
    // which holds the module, and that validation made the instance itself (Asset Hub's empty
    // block: a median of 3.3 ms in the worker, 1.9 ms with the instance made). It costs one
    // instance per cached module, dropped with the module. Only code prepared for execution
    // becomes the last code, whose instance idle work renews after each call.
    if (kind === 'compile') this.last = { prepared: got.prepared, key: got.key };
    standBy(got.prepared);
    return { kind: 'prepared', codeBytes: got.codeBytes, compileMicros };
  }

  async execute(code: CodeRef, input: ExecuteInput): Promise<JobOutcome> {
    const got = await this.module(code, 'compile');
    if (got.kind !== 'module') return got.outcome;
    let params: Uint8Array;
    if (input.kind === 'params') params = input.params;
    else {
      // sp_maybe_compressed_blob::decompress_as(Pov, block_data, POV_BOMB_LIMIT), as the
      // reference's execute worker does before building ValidationParams.
      const blockData = await decompressPov(input.blockData);
      if (blockData.kind === 'error')
        return { kind: 'pov-decompression-failure', message: blockData.message };
      params = encodeParams(input, blockData.bytes);
    }
    const prepared = got.prepared;
    this.last = { prepared, key: got.key };
    return fromEngine(guard(() => prepared.validate(params)));
  }

  async call(code: CodeRef, fn: string, input: Uint8Array): Promise<JobOutcome> {
    const got = await this.module(code, 'compile');
    if (got.kind !== 'module') return got.outcome;
    const prepared = got.prepared;
    this.last = { prepared, key: got.key };
    const call = prepared.call;
    if (call === undefined)
      return {
        kind: 'invalid',
        reason: 'bad-entry-point',
        message: `runtime calls need the Substrate ABI; this is a ${prepared.abi} PVF`,
        logs: [],
      };
    return fromEngine(guard(() => call(fn, input)));
  }

  /**
   * Work for the time the worker waits for the next request: the next instance of the last
   * code run (PreparedPvf.standby), so that a request for that code does not pay for it. A
   * request for other code leaves it waiting; an evicted module drops it. Never throws.
   */
  idle(): void {
    if (this.last !== undefined) standBy(this.last.prepared);
  }

  private async module(
    code: CodeRef,
    kind: PrepareKind,
  ): Promise<
    | { kind: 'module'; prepared: PreparedPvf; codeBytes: number; key: string }
    | { kind: 'outcome'; outcome: JobOutcome }
  > {
    const key = moduleKey(code.codeHash, code.params);
    const cached = this.modules.get(key);
    if (cached !== undefined) {
      if (kind === 'precheck') {
        const refused = constructionError(cached.prepared);
        if (refused !== undefined) return { kind: 'outcome', outcome: refused };
      }
      return { kind: 'module', ...cached, key };
    }
    if (code.code === undefined) return { kind: 'outcome', outcome: { kind: 'code-missing' } };
    const wasm = await decompressCode(code.code);
    if (wasm.kind === 'error')
      return { kind: 'outcome', outcome: prepError('decompression', wasm.message) };
    let outcome;
    try {
      // The whole code compiled here, as the reference's prepare does: with TurboFan where V8
      // allows it at a fair price, so that no validation compiles first (engine/compile.ts).
      outcome = preparePvf(wasm.bytes, code.params, { compile: COMPILE_MODE });
    } catch (e) {
      return { kind: 'outcome', outcome: { kind: 'job-error', message: errorText(e) } };
    }
    if (outcome.kind === 'prepare-error')
      // The stage where the reference meets the same refusal (engine/types.ts PrepareStage).
      return { kind: 'outcome', outcome: prepError(outcome.stage, outcome.message) };
    if (kind === 'precheck') {
      const refused = constructionError(outcome.prepared);
      if (refused !== undefined) return { kind: 'outcome', outcome: refused };
    }
    const entry = { prepared: outcome.prepared, codeBytes: wasm.bytes.length };
    this.modules.set(key, entry);
    if (this.last !== undefined && !this.modules.has(this.last.key)) this.last = undefined;
    return { kind: 'module', ...entry, key };
  }
}

/** The next instance of `prepared` (PreparedPvf.standby), made ahead. Never throws. */
function standBy(prepared: PreparedPvf): void {
  try {
    prepared.standby?.();
  } catch {
    // Only a head start: the next call makes its own instance and meets any fault itself.
  }
}

/**
 * What prechecking adds to compiling: the ABI's construction test (nothing for the Substrate
 * ABI, as in the reference; a `wasi-p1` module is instantiated once without running).
 */
function constructionError(prepared: PreparedPvf): JobOutcome | undefined {
  const refused = prepared.constructionError();
  return refused === undefined ? undefined : prepError('runtime-construction', refused);
}

const prepError = (reason: WirePrepareError, message: string): JobOutcome => ({
  kind: 'preparation-error',
  reason,
  message,
});

function guard<T extends EngineOutcome | CallOutcome>(
  run: () => T,
): T | { kind: 'job-error'; message: string } {
  try {
    return run();
  } catch (e) {
    return { kind: 'job-error', message: errorText(e) };
  }
}

function fromEngine(
  o: EngineOutcome | CallOutcome | { kind: 'job-error'; message: string },
): JobOutcome {
  switch (o.kind) {
    case 'valid':
      return { kind: 'valid', result: o.result, logs: wireLogs(o.logs) };
    case 'returned':
      return { kind: 'returned', output: o.output, logs: wireLogs(o.logs) };
    case 'invalid':
      return { kind: 'invalid', reason: o.reason, message: o.message, logs: wireLogs(o.logs) };
    case 'internal-error':
      return { kind: 'internal-error', message: o.message };
    case 'job-error':
      return o;
  }
}

/** The engine's records are the wire's (runtime/worker/bounds.ts trims them for sending). */
const wireLogs = (logs: readonly LogRecord[]): readonly WireLog[] => logs;

function errorText(e: unknown): string {
  if (e instanceof RangeError && /call stack/i.test(e.message))
    return `stack overflow outside the guest: ${e.message}`;
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
