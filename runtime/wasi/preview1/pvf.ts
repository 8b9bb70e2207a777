// ABI 1, `wasi-p1`: a core wasm module that imports only `wasi_snapshot_preview1` functions the
// host provides and exports
//   memory                                   its linear memory,
//   pvf_alloc(len: i32) -> i32               where the host may write `len` bytes of params,
//   validate_block(ptr: i32, len: i32) -> i64   the result as `ptr | len << 32`,
//   _initialize()                            optional (a wasi-libc reactor), run once first,
// returning SCALE `ValidationResult` bytes: the same packing and result as a Substrate PVF's
// `validate_block` (sp-runtime-interface `pack_ptr_and_len`). Each execution runs in a fresh
// instance with a fresh log and random stream and a zeroed memory, so nothing of one candidate
// reaches the next. Any trap, or `proc_exit(n != 0)`, is an invalid candidate whose message is
// what the guest wrote to stderr (else the trap's text); `proc_exit(0)` before returning is
// `bad-result`.
import { checkValidationResult } from '../../engine/result-check.js';
import { makeDeterministic } from '../../determinism/prepare.js';
import { type MemoryImport, setupMemory } from '../../engine/memory-setup.js';
import { GuestMemory, unpackPtrLen } from '../../engine/memory.js';
import { MemoryPool } from '../../engine/memory-pool.js';
import { classify, HostTrap } from '../../engine/traps.js';
import type {
  EngineOutcome,
  ExecutorParams,
  InvalidReason,
  PrepareError,
} from '../../engine/types.js';
import { DeterministicRandom } from '../deterministic.js';
import { checkPreview1Imports, checkWasiP1Exports } from '../policy.js';
import { StdioLog, stderrText } from '../stdio-log.js';
import { PREVIEW1_PROVIDED, Preview1Host, ProcExit } from './host.js';

/** The export names of ABI 1. */
export const WASI_P1_EXPORTS = {
  memory: 'memory',
  alloc: 'pvf_alloc',
  entry: 'validate_block',
  initialize: '_initialize',
} as const;

/** A `wasi-p1` PVF ready for any number of executions. */
export interface PreparedWasiP1 {
  readonly abi: 'wasi-p1';
  readonly module: WebAssembly.Module;
  readonly params: ExecutorParams;
  /** Where the rewritten module imports its (capped) memory from; see memory-setup.ts. */
  readonly memory: MemoryImport;
  /** The host functions, shared by this module's executions (one at a time). */
  readonly host: Preview1Host;
  /** Zeroed memories for the next executions (../../engine/memory-pool.ts). */
  readonly pool: MemoryPool;
}

export type WasiP1PrepareOutcome =
  | { readonly kind: 'prepared'; readonly prepared: PreparedWasiP1 }
  | (PrepareError & {
      readonly reason: 'invalid-wasm' | 'bad-import' | 'no-memory' | 'bad-export';
    });

/**
 * Checks a module against ABI 1 and compiles it: made deterministic like a Substrate PVF, every
 * import must be a preview1 function the host provides (networking never is), it must define
 * and export its memory, and that memory is capped at `maxMemoryPages` by the engine's rewrite,
 * as a Substrate PVF's is.
 */
export function prepareWasiP1(code: Uint8Array, params: ExecutorParams): WasiP1PrepareOutcome {
  // The engine's determinism step (feature set, stack limiter, NaN canonicalization): V8
  // compiles the instrumented module, so a wasi-p1 PVF behaves the same on every validator.
  const det = makeDeterministic(code, {
    stackLogicalMax: params.stackLogicalMax,
    policy: 'wasi',
  });
  if (det.kind === 'refused') return refused(det.stage, 'invalid-wasm', det.message);
  // The ABI's own rules are properties of the code (no reference to mirror): preparation.
  const m = det.source;
  const imports = m.imports.map((i) => ({ ...i, kind: i.kind === 'func' ? 'function' : i.kind }));
  const denied = checkPreview1Imports(imports, PREVIEW1_PROVIDED);
  if (denied) return refused('preparation', 'bad-import', denied.message);
  const memory = m.exports.find((e) => e.name === WASI_P1_EXPORTS.memory);
  if (memory?.kind !== 'memory' || m.memories.length === 0)
    return refused(
      'preparation',
      'no-memory',
      `a wasi-p1 PVF must define its linear memory and export it as "${WASI_P1_EXPORTS.memory}"`,
    );
  const badExports = checkWasiP1Exports(m);
  if (badExports) return refused('preparation', 'bad-export', badExports);
  const capped = setupMemory(det.layout, params.maxMemoryPages);
  if (capped.kind === 'error') return refused('preparation', capped.reason, capped.message);
  try {
    const module = new WebAssembly.Module(capped.bytes);
    const host = new Preview1Host(new StdioLog(0), new DeterministicRandom(new Uint8Array(0)));
    const pool = new MemoryPool(capped.memory);
    return {
      kind: 'prepared',
      prepared: { abi: 'wasi-p1', module, params, memory: capped.memory, host, pool },
    };
  } catch (err) {
    if (err instanceof WebAssembly.CompileError)
      return refused('preparation', 'invalid-wasm', `cannot create module: ${err.message}`);
    throw err;
  }
}

const refused = (
  stage: PrepareError['stage'],
  reason: 'invalid-wasm' | 'bad-import' | 'no-memory' | 'bad-export',
  message: string,
): WasiP1PrepareOutcome => ({ kind: 'prepare-error', stage, reason, message });

/**
 * `runtime_construction_check` for ABI 1: instantiates with a fresh host without running
 * anything; returns the error text if that fails.
 */
export function constructionErrorWasiP1(prepared: PreparedWasiP1): string | undefined {
  const host = new Preview1Host(new StdioLog(0), new DeterministicRandom(new Uint8Array(0)));
  try {
    const memory = new WebAssembly.Memory(prepared.pool.limits);
    new WebAssembly.Instance(prepared.module, importsWith(host, memory, prepared));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const badEntry = (what: string) =>
  new HostTrap(
    'bad-entry-point',
    `${what} (ABI wasi-p1: ${WASI_P1_EXPORTS.alloc}(i32) -> i32, ${WASI_P1_EXPORTS.entry}(i32, i32) -> i64)`,
  );

/** Runs `validate_block` on SCALE `ValidationParams` bytes in a fresh instance (one at a time). */
export function validateBlockWasiP1(prepared: PreparedWasiP1, input: Uint8Array): EngineOutcome {
  const log = new StdioLog(prepared.params.maxLogBytes);
  const host = prepared.host;
  host.begin(log, new DeterministicRandom(input));
  const wasmMemory = prepared.pool.take();
  const invalid = (reason: InvalidReason, message: string): EngineOutcome => {
    const { logs, logsDropped } = log.finish();
    return { kind: 'invalid', reason, message, logs, logsDropped };
  };
  let output: Uint8Array;
  try {
    const instance = new WebAssembly.Instance(
      prepared.module,
      importsWith(host, wasmMemory, prepared),
    );
    const { memory, initialize, alloc, entry } = exportsOf(instance);
    host.bind(memory);
    const mem = new GuestMemory(memory);
    initialize?.();
    const ptr: unknown = alloc(input.length);
    if (typeof ptr !== 'number') throw badEntry(`${WASI_P1_EXPORTS.alloc} did not return an i32`);
    mem.write(ptr, input, 'params buffer from pvf_alloc');
    const packed: unknown = entry(ptr, input.length);
    if (typeof packed !== 'bigint')
      throw badEntry(`${WASI_P1_EXPORTS.entry} did not return an i64`);
    const [rp, rl] = unpackPtrLen(packed);
    if (rp + rl > mem.size)
      return invalid(
        'bad-result',
        `returned range [${rp}, ${rp + rl}) lies outside memory (${mem.size} bytes)`,
      );
    output = mem.read(rp, rl);
  } catch (err) {
    if (err instanceof ProcExit)
      return err.code === 0
        ? invalid('bad-result', 'the PVF called proc_exit(0) without returning a result')
        : invalid('panic', stderrText(log) ?? err.message);
    const c = classify(err);
    if (c.kind === 'internal-error') return c;
    return invalid(c.reason, (c.reason === 'unreachable' && stderrText(log)) || c.message);
  } finally {
    prepared.pool.release(wasmMemory); // the result was copied out; the instance is dropped
  }
  const checked = checkValidationResult(output, 'exact');
  if (checked.kind !== 'ok') return invalid('bad-result', checked.message);
  const { logs, logsDropped } = log.finish();
  return { kind: 'valid', result: checked.result, logs, logsDropped };
}

/**
 * The host's functions plus the instance's memory: the engine's memory rewrite turned the
 * module's own memory into this import (same index, still exported), with the prepared limits.
 */
function importsWith(
  host: Preview1Host,
  memory: WebAssembly.Memory,
  prepared: PreparedWasiP1,
): WebAssembly.Imports {
  return { ...host.imports(), [prepared.memory.module]: { [prepared.memory.name]: memory } };
}

type Fn = (...args: number[]) => unknown;

function exportsOf(instance: WebAssembly.Instance) {
  const e = instance.exports;
  const memory = e[WASI_P1_EXPORTS.memory];
  if (!(memory instanceof WebAssembly.Memory)) throw badEntry('no exported memory');
  const fn = (name: string) => (typeof e[name] === 'function' ? (e[name] as Fn) : undefined);
  const alloc = fn(WASI_P1_EXPORTS.alloc);
  const entry = fn(WASI_P1_EXPORTS.entry);
  if (!alloc) throw badEntry(`missing export ${WASI_P1_EXPORTS.alloc}`);
  if (!entry) throw badEntry(`missing export ${WASI_P1_EXPORTS.entry}`);
  return { memory, alloc, entry, initialize: fn(WASI_P1_EXPORTS.initialize) };
}
