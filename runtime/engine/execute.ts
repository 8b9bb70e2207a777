// Execution: one fresh instance per call, exactly the sequence of sc-executor-wasmtime's
// `WasmtimeInstance::call_impl` + `perform_call` (substrate/client/executor/wasmtime/src/
// runtime.rs:165–181 + :688–716 @032b47f2): instantiate, read `__heap_base`, resolve the entry
// point, allocate the input with the host allocator, call, then bounds-check and copy the returned
// (ptr, len).
import type { HostContext } from '../host/context.js';
import { LogSink } from '../host/log-sink.js';
import { FreeingBumpAllocator } from './freeing-bump.js';
import { type Instantiated, instantiate, noteAllocations } from './instance.js';
import type { HostSlot } from './link.js';
import { GuestMemory, unpackPtrLen } from './memory.js';
import { readRuntimeVersion } from './runtime-version.js';
import { checkValidationResult } from './result-check.js';
import { takeStandby } from './standby.js';
import { classifyTrap, type ClassifiedTrap } from './traps.js';
import type {
  EngineCallOutcome,
  EngineOutcome,
  TrapKind,
  LogRecord,
  PreparedModule,
} from './types.js';

// sc-executor-wasmtime `extract_heap_base` errors.
const HEAP_BASE_ERRORS = {
  missing: '__heap_base is not found',
  'not-a-global': '__heap_base is not a global',
  'not-i32': '__heap_base is not a i32',
} as const;

/**
 * Runs `validate_block(params)` and checks the result decodes as a `ValidationResult`. Like the
 * reference (`ValidationResult::decode`, see decodeValidationResultPrefix), bytes after the
 * value are ignored; `result` is the value's own encoding, without them.
 */
export function validateBlock(prepared: PreparedModule, params: Uint8Array): EngineOutcome {
  const out = callExport(prepared, 'validate_block', params);
  if (out.kind !== 'returned') return out;
  const checked = checkValidationResult(out.output, 'prefix');
  if (checked.kind !== 'ok')
    return invalid('bad-result', checked.message, out.logs, out.logsDropped);
  return { kind: 'valid', result: checked.result, logs: out.logs, logsDropped: out.logsDropped };
}

/** Calls the runtime function `fn: (i32, i32) -> i64` with `input` and returns its output bytes. */
export function callExport(
  prepared: PreparedModule,
  fn: string,
  input: Uint8Array,
): EngineCallOutcome {
  const logs = new LogSink(prepared.params.maxLogBytes);
  const failed = (c: ClassifiedTrap): EngineCallOutcome =>
    c.kind === 'internal-error'
      ? c
      : invalid(c.reason, panicText(c.reason, c.message, logs), logs.records, logs.dropped);

  // An instance made while idle (standby.ts) if one is waiting, else a new one on a memory
  // from the pool: the same fresh state either way.
  const standby = takeStandby(prepared);
  const wasmMemory = standby?.memory ?? takeMemory(prepared);
  try {
    return run(prepared, fn, input, wasmMemory, logs, failed, standby);
  } finally {
    releaseMemory(prepared, wasmMemory);
  }
}

function run(
  prepared: PreparedModule,
  fn: string,
  input: Uint8Array,
  wasmMemory: WebAssembly.Memory,
  logs: LogSink,
  failed: (c: ClassifiedTrap) => EngineCallOutcome,
  ready: Instantiated | undefined,
): EngineCallOutcome {
  let made = ready;
  if (made === undefined)
    try {
      made = instantiate(prepared, wasmMemory);
    } catch (err) {
      // A trap while initialising (data segment out of range, start function) is the code's
      // fault; a link error cannot happen after `link` and means a host bug.
      const c = classifyTrap(err);
      return failed(
        c.kind === 'invalid' ? { ...c, message: `failed to instantiate: ${c.message}` } : c,
      );
    }
  const { instance, heap } = made;
  const exports = instance.exports;
  // `InstanceWrapper::new`: `get_linear_memory` right after instantiating (instance_wrapper.rs:153,
  // :236–246 @06d749e2).
  if (prepared.memoryExportProblem !== undefined)
    return invalid('bad-entry-point', prepared.memoryExportProblem, [], 0);
  if (prepared.heapBase !== 'ok')
    return invalid('bad-entry-point', HEAP_BASE_ERRORS[prepared.heapBase], [], 0);
  const base = (exports.__heap_base as WebAssembly.Global).value as number;
  const check = prepared.entryPoints.get(fn);
  if (check === undefined)
    return invalid('bad-entry-point', `Exported method ${fn} is not found`, [], 0);
  if (check === 'not-a-function')
    return invalid('bad-entry-point', `Export ${fn} is not a function`, [], 0);
  if (check === 'bad-signature')
    return invalid('bad-entry-point', `Exported function '${fn}' has invalid signature.`, [], 0);
  const entry = exports[fn] as (ptr: number, len: number) => bigint;

  const memory = new GuestMemory(wasmMemory);
  const allocator = heap ?? new FreeingBumpAllocator(base, prepared.params.maxMemoryPages);
  const ctx: HostContext = {
    memory,
    allocator,
    logs,
    maxLogLevel: prepared.params.maxLogLevel,
    batchVerify: undefined,
    readRuntimeVersion,
  };
  const slot = prepared.slot as HostSlot;
  const outer = slot.ctx;
  slot.ctx = ctx;
  heap?.start(base, prepared.params.maxMemoryPages);
  try {
    const ptr = allocator.allocate(memory, input.byteLength);
    memory.write(ptr, input);
    const [outPtr, outLen] = unpackPtrLen(entry(ptr, input.byteLength));
    // sc-executor's `extract_output_data`: the range must lie inside memory as it is now.
    if (outPtr + outLen > memory.size)
      return invalid(
        'bad-result',
        `output exceeds bounds of wasm memory: [${outPtr}, ${outPtr + outLen}) past ${memory.size}`,
        logs.records,
        logs.dropped,
      );
    return {
      kind: 'returned',
      output: memory.read(outPtr, outLen),
      logs: logs.records,
      logsDropped: logs.dropped,
    };
  } catch (err) {
    return failed(classifyTrap(err));
  } finally {
    heap?.stop();
    noteAllocations(prepared, allocator.allocations);
    slot.ctx = outer;
  }
}

// Memory recycling (./memory-pool.ts): a zeroed memory of exactly `initial` pages per
// instance. Recycling happens only after the call has ended (nested calls take a new memory),
// so an instance never shares memory with another.
const takeMemory = (prepared: PreparedModule) => prepared.memoryState.pool.take();
const releaseMemory = (prepared: PreparedModule, memory: WebAssembly.Memory) =>
  prepared.memoryState.pool.release(memory);

/**
 * The message of an invalid outcome: a Rust panic logs its message (target `runtime`, level
 * error) and then executes `unreachable`, so the trap alone says little; report the panic.
 */
function panicText(reason: TrapKind, message: string, logs: LogSink): string {
  if (reason === 'unreachable' && logs.lastPanic !== undefined) return logs.lastPanic;
  return message;
}

function invalid(
  reason: TrapKind,
  message: string,
  logs: readonly LogRecord[],
  logsDropped: number,
) {
  return { kind: 'invalid', reason, message, logs, logsDropped } as const;
}
