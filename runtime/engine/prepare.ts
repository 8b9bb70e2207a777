// Preparation: from decompressed wasm to a compiled module plus its import object, once per PVF.
// Mirrors polkadot's prepare job (`prevalidate`, then sc-executor-wasmtime's
// `prepare_runtime_artifact`) and what creating a runtime from the artifact checks
// (`do_create_runtime`, runtime.rs:576–649 @032b47f2), in the reference's order; each refusal
// carries the reference's stage (see `PrepareStage`), which says whether it is a property of the
// code.
import { type CompileMode, compileModule } from './compile.js';
import { MemoryPool } from './memory-pool.js';
import { makeDeterministic } from '../determinism/prepare.js';
import type { WasmModule } from '../wasm/types.js';
import { link, type HostSlot } from './link.js';
import { setupMemory } from './memory-setup.js';
import { WASM_HOST_IMPORTS } from './wasm-host.js';
import {
  checkExecutorParams,
  type EntryPointCheck,
  type ExecutorParams,
  type PrepareError,
  type EnginePrepareOutcome,
  type PreparedModule,
} from './types.js';

/** How `prepare` compiles; not part of the executor params (no verdict depends on it). */
export interface PrepareOptions {
  /**
   * How V8 compiles the code (./compile.ts). Workers compile every function now, in
   * `WORKER_COMPILE_MODE` (runtime/worker/jobs.ts); in-process callers (tests, benches) keep
   * V8's default, `lazy`.
   */
  readonly compile?: CompileMode;
  /**
   * The fast paths for the guest's known memcpy/memmove/memset (bulk memory) and memcmp
   * (words) (runtime/determinism/mem-builtins.ts; default true). Off only to measure them.
   */
  readonly memBuiltins?: boolean;
}

/**
 * Prepares decompressed wasm for execution. The code is parsed once: the determinism step
 * hands back the parsed original and where the sections of its output are.
 * @throws {ExecutorParamsError} if `params` are malformed (API misuse, not a property of the code).
 */
export function prepare(
  code: Uint8Array,
  params: Partial<ExecutorParams> = {},
  options: PrepareOptions = {},
): EnginePrepareOutcome {
  const p = checkExecutorParams(params);
  // The reference's prevalidation, feature set, stack limiter and NaN canonicalization
  // (runtime/determinism): what V8 compiles is the instrumented module.
  const det = makeDeterministic(code, {
    stackLogicalMax: p.stackLogicalMax,
    memBuiltins: options.memBuiltins,
  });
  if (det.kind === 'refused') return refused(det.stage, 'invalid-wasm', det.message);
  // The instrumented module's imports, types, globals and export types are the original's
  // (see DeterministicModule), so linking and the entry-point checks read the parsed source.
  const m = det.source;
  const memory = setupMemory(det.layout, p.maxMemoryPages);
  if (memory.kind === 'error') return refused(memory.stage, memory.reason, memory.message);

  // Then the reference's order: compile (preparation), then what creating a runtime checks
  // (`do_create_runtime`: `prepare_imports` :637 and `instantiate_pre` :639–641, which resolve
  // imports without instantiating). Nothing here instantiates: a start function that traps, a data
  // segment out of bounds or a memory not exported as `memory` is met by each execution
  // (sc-executor-wasmtime `InstanceWrapper::new`), an invalid candidate there and here.
  const compiled = compileModule(memory.bytes, options.compile ?? 'lazy');
  if (compiled instanceof Error)
    // Past a limit only V8 has (runtime/determinism/impl-limits.ts), the reference compiles
    // what V8 refused: not the code's fault, so the non-deterministic stage.
    return det.v8Excess === undefined
      ? refused('preparation', 'invalid-wasm', `cannot create module: ${compiled.message}`)
      : refused(
          'runtime-construction',
          'invalid-wasm',
          `beyond this executor's limits, which the reference does not have: ${det.v8Excess} (${compiled.message})`,
        );
  const slot: HostSlot = { ctx: undefined };
  const linked = link(m, slot);
  if (linked.kind === 'error')
    return refused('runtime-construction', linked.reason, linked.message);

  // The memory import is a getter: it hands over the memory execute.ts chose for this
  // instance, or a new one for anybody else instantiating the module (never a shared one).
  const { module: where, name, initial, maximum } = memory.memory;
  const memoryState: PreparedModule['memoryState'] = {
    pool: new MemoryPool({ initial, maximum }),
    next: undefined,
    standby: undefined,
    wasmHost: true,
  };
  const imports = linked.imports as Record<string, Record<string, WebAssembly.ImportValue>>;
  Object.defineProperty((imports[where] ??= {}), name, {
    enumerable: true,
    get(): WebAssembly.Memory {
      const m = memoryState.next;
      memoryState.next = undefined;
      return m ?? new WebAssembly.Memory({ initial, maximum });
    },
  });

  return {
    kind: 'prepared',
    prepared: {
      module: compiled,
      params: p,
      memory: { kind: memory.shape, initialPages: memory.initialPages },
      missingImports: linked.missing,
      entryPoints: entryPoints(m),
      heapBase: heapBase(m),
      memoryExportProblem: memory.exportProblem,
      imports: linked.imports,
      memoryImport: memory.memory,
      memoryState,
      hasStart: m.start !== undefined,
      slot,
      // Linked (right signature, checked by `link`), not a stub: the wasm twin serves it.
      wasmHostImports: Object.keys(WASM_HOST_IMPORTS).filter(
        (name) => name in (linked.imports.env ?? {}) && !linked.missing.includes(name),
      ),
    },
  };
}

const refused = (
  stage: PrepareError['stage'],
  reason: PrepareError['reason'],
  message: string,
): PrepareError => ({ kind: 'prepare-error', stage, reason, message });

/** sc-executor's `resolve_entrypoint` check, `(i32, i32) -> i64`, computed for every export. */
function entryPoints(m: WasmModule): Map<string, EntryPointCheck> {
  const importedFuncs = m.imports.filter((i) => i.kind === 'func');
  const out = new Map<string, EntryPointCheck>();
  for (const e of m.exports) {
    if (e.kind !== 'func') {
      out.set(e.name, 'not-a-function');
      continue;
    }
    const imported = importedFuncs[e.index];
    const typeIndex =
      imported?.kind === 'func' ? imported.type : m.functions[e.index - importedFuncs.length];
    const t = typeIndex === undefined ? undefined : m.types[typeIndex];
    const ok =
      t !== undefined &&
      t.params.length === 2 &&
      t.params[0] === 'i32' &&
      t.params[1] === 'i32' &&
      t.results.length === 1 &&
      t.results[0] === 'i64';
    out.set(e.name, ok ? 'ok' : 'bad-signature');
  }
  return out;
}

/** sc-executor's `extract_heap_base` check, done once (imported globals are refused by `link`). */
function heapBase(m: WasmModule): PreparedModule['heapBase'] {
  const e = m.exports.find((x) => x.name === '__heap_base');
  if (e === undefined) return 'missing';
  if (e.kind !== 'global') return 'not-a-global';
  return m.globals[e.index]?.type === 'i32' ? 'ok' : 'not-i32';
}
