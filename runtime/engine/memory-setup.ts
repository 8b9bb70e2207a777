// Gives a module the linear memory sc-executor gives it, by rewriting the binary before it is
// compiled. sc-executor-common's `RuntimeBlob::convert_memory_import_into_export` and
// `setup_memory_according_to_heap_alloc_strategy` (substrate/client/executor/common/src/
// runtime_blob/runtime_blob.rs:102–146 and :169–197 @0646724e), under
// `HeapAllocStrategy::Dynamic { maximum_pages }`, give every instance one memory with limits
// (min(initial, maximum_pages), maximum_pages): the module's own maximum is replaced, so
// exported memories are capped the same way, and the first memory import (whatever its
// module) is accepted. The instance's memory must be exported as `memory` (sc-executor-wasmtime
// `get_linear_memory`, instance_wrapper.rs:236–246 @06d749e2), which the reference checks only when
// it creates an instance — after compiling, after prechecking (which never instantiates), at every
// execution — so a module that fails it still prepares here: the problem travels as `exportProblem`
// and each execution is invalid.
//
// We reach the same limits the other way round: the memory always becomes an *import* with
// exactly those limits, and the engine supplies a `WebAssembly.Memory` created with them. A
// defined memory is moved into the import section (same index 0, so every memory instruction
// and export still refers to it); an imported one keeps its module and name. Supplying the
// memory lets the engine recycle it between calls (see execute.ts), which V8 cannot do for a
// memory it creates; the instance sees the same limits, size and contents either way.
import { Reader } from '../wasm/reader.js';
import { spliceSections, type SectionEdit } from '../wasm/splice.js';
import { u32Bytes } from '../wasm/writer.js';
import { type ModuleLayout, SectionId, type SectionRange } from '../wasm/types.js';

/** Where the rewritten module imports its memory from, and the memory's limits. */
export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  /** min(declared initial, maxPages): the size of a fresh memory, in pages. */
  readonly initial: number;
  readonly maximum: number;
}

export type MemorySetup =
  | {
      readonly kind: 'ok';
      readonly bytes: Uint8Array;
      /** How the original module got its memory, and its declared minimum. */
      readonly shape: 'imported' | 'exported';
      readonly initialPages: number;
      readonly memory: MemoryImport;
      /**
       * `get_linear_memory`'s error when the instance will not export its memory as `memory`
       * (an execution-time invalid in the reference, never a preparation error).
       */
      readonly exportProblem: string | undefined;
    }
  | {
      readonly kind: 'error';
      readonly reason: 'no-memory' | 'invalid-wasm';
      /** Where the reference refuses it: `prepare_blob_for_compilation` (runtime.rs:651–667). */
      readonly stage: 'preparation';
      readonly message: string;
    };

/** Import name used for a memory the module defined itself (no `env` function can clash). */
const DEFINED_MEMORY_IMPORT = { module: 'pvf-runtime', name: 'memory' } as const;

/** Rewrites `m` so its only memory is defined, capped at `maxPages` and exported. */
export function setupMemory(m: ModuleLayout, maxPages: number): MemorySetup {
  const importIndex = m.imports.findIndex((i) => i.kind === 'memory');
  const imported = importIndex >= 0 ? m.imports[importIndex] : undefined;
  if (imported && m.memories.length > 0)
    return {
      kind: 'error',
      reason: 'invalid-wasm',
      stage: 'preparation',
      message: "can't convert a memory import into an export: the module also defines a memory",
    };
  if (m.memories.length + m.imports.filter((i) => i.kind === 'memory').length > 1)
    return {
      kind: 'error',
      reason: 'invalid-wasm',
      stage: 'preparation',
      message: 'multiple memories are not supported',
    };
  const limits = imported?.kind === 'memory' ? [imported.limits] : m.memories;
  const first = limits[0];
  if (first === undefined)
    return {
      kind: 'error',
      reason: 'no-memory',
      stage: 'preparation',
      message: 'no memory section found',
    };
  // `convert_memory_import_into_export` pushes `ExportEntry::new(<import field>, Memory(0))`
  // without looking for an existing export of that name (runtime_blob.rs:136–140 @0646724e), so a
  // module that imports its memory as `memory` and already exports something named `memory`
  // leaves preparation with two exports of one name, which wasmtime's validator refuses
  // ("duplicate export name"): a deterministic preparation error there, before any
  // runtime-construction check.
  if (imported && m.exports.some((e) => e.name === imported.name))
    return {
      kind: 'error',
      reason: 'invalid-wasm',
      stage: 'preparation',
      message: `duplicate export name \`${imported.name}\`: the converted memory import clashes with an export`,
    };
  // After the conversion the exports are the original ones plus the converted import.
  const memoryExport =
    imported?.name === 'memory' ? 'memory' : m.exports.find((e) => e.name === 'memory')?.kind;
  const exportProblem =
    memoryExport === 'memory'
      ? undefined
      : memoryExport === undefined
        ? 'memory is not exported under `memory` name'
        : 'the `memory` export should have memory type';

  const initial = Math.min(first.min, maxPages);
  const limits2 = concat([1], u32Bytes(initial), u32Bytes(maxPages));
  const replace = new Map<number, Uint8Array>(); // section id → new content (empty = drop)
  const importSection = m.sections.find((s) => s.id === SectionId.Import);
  let where: { module: string; name: string };
  if (imported) {
    where = { module: imported.module, name: imported.name };
    const entry = concat(name(imported.module), name(imported.name), [2], limits2);
    replace.set(SectionId.Import, rewriteImports(m.bytes, importSection!, importIndex, entry));
  } else {
    where = DEFINED_MEMORY_IMPORT;
    const entry = concat(name(where.module), name(where.name), [2], limits2);
    replace.set(
      SectionId.Import,
      importSection
        ? rewriteImports(m.bytes, importSection, -1, entry)
        : concat(u32Bytes(1), entry),
    );
    replace.set(SectionId.Memory, new Uint8Array(0));
  }
  return {
    kind: 'ok',
    bytes: rebuild(m, replace),
    shape: imported ? 'imported' : 'exported',
    initialPages: first.min,
    memory: { ...where, initial, maximum: maxPages },
    exportProblem,
  };
}

/** Re-emits the module with some sections' contents replaced (empty = dropped) or added. */
function rebuild(m: ModuleLayout, replace: Map<number, Uint8Array>): Uint8Array {
  const edits = new Map<number, SectionEdit>();
  for (const [id, content] of replace)
    edits.set(id, content.length === 0 ? null : (w) => w.bytes(content));
  // A buffer of its own (the splice returns a view of a larger one).
  return spliceSections(m, edits).bytes.slice();
}

/**
 * The import section's content with entry `index` replaced by `entry`, or with `entry` appended
 * when `index` is -1 (other entries are copied byte for byte).
 */
function rewriteImports(
  bytes: Uint8Array,
  s: SectionRange,
  index: number,
  entry: Uint8Array,
): Uint8Array {
  const r = new Reader(bytes, s.contentStart, s.end);
  const count = r.u32();
  const out: Uint8Array[] = [u32Bytes(index < 0 ? count + 1 : count)];
  for (let k = 0; k < count; k++) {
    const start = r.pos;
    skipImport(r);
    out.push(k === index ? entry : bytes.subarray(start, r.pos));
  }
  if (index < 0) out.push(entry);
  return concat(...out);
}

function skipImport(r: Reader): void {
  r.name();
  r.name();
  switch (r.u8()) {
    case 0: // func: type index
      r.u32();
      return;
    case 4: // tag: attribute + type index
      r.u8();
      r.u32();
      return;
    case 1: // table: reftype + limits
      r.u8();
      skipLimits(r);
      return;
    case 2:
      skipLimits(r);
      return;
    case 3: // global: valtype + mutability
      r.u8();
      r.u8();
      return;
  }
}

function skipLimits(r: Reader): void {
  const flags = r.u8();
  const read = () => (flags & 4 ? r.u64() : r.u32());
  read();
  if (flags & 1) read();
}

function name(text: string): Uint8Array {
  const b = new TextEncoder().encode(text);
  return concat(u32Bytes(b.length), b);
}

function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
