// Gives a module the linear memory sc-executor gives it, by rewriting the binary before it is
// compiled. Must match sc-executor-common's `RuntimeBlob::convert_memory_import_into_export`
// and `setup_memory_according_to_heap_alloc_strategy` (substrate/client/executor/common/src/
// runtime_blob/runtime_blob.rs) under `HeapAllocStrategy::Dynamic { maximum_pages }`:
//  1. the first memory import (whatever its module) is removed and becomes a defined memory
//     with the same limits, exported under the import's field name;
//  2. every defined memory gets limits (min(initial, maximum_pages), maximum_pages): the
//     module's own maximum is replaced, so exported memories are capped the same way;
//  3. the instance's memory is its export named `memory` (sc-executor-wasmtime
//     `get_linear_memory`).
// With one memory shape the engine has one instantiation path: V8 creates the memory.
import { Reader } from '../wasm/reader.js';
import { SectionId, type SectionRange, type WasmModule } from '../wasm/types.js';

export type MemorySetup =
  | {
      readonly kind: 'ok';
      readonly bytes: Uint8Array;
      /** How the original module got its memory, and its declared minimum. */
      readonly shape: 'imported' | 'exported';
      readonly initialPages: number;
    }
  | {
      readonly kind: 'error';
      readonly reason: 'no-memory' | 'invalid-wasm';
      readonly message: string;
    };

// Where a new section goes: before the first section that must follow it.
const RANK: Record<number, number> = {
  [SectionId.Type]: 1,
  [SectionId.Import]: 2,
  [SectionId.Function]: 3,
  [SectionId.Table]: 4,
  [SectionId.Memory]: 5,
  [SectionId.Tag]: 6,
  [SectionId.Global]: 7,
  [SectionId.Export]: 8,
  [SectionId.Start]: 9,
  [SectionId.Element]: 10,
  [SectionId.DataCount]: 11,
  [SectionId.Code]: 12,
  [SectionId.Data]: 13,
};

/** Rewrites `m` so its only memory is defined, capped at `maxPages` and exported. */
export function setupMemory(m: WasmModule, maxPages: number): MemorySetup {
  const importIndex = m.imports.findIndex((i) => i.kind === 'memory');
  const imported = importIndex >= 0 ? m.imports[importIndex] : undefined;
  if (imported && m.memories.length > 0)
    return {
      kind: 'error',
      reason: 'invalid-wasm',
      message: "can't convert a memory import into an export: the module also defines a memory",
    };
  const limits = imported?.kind === 'memory' ? [imported.limits] : m.memories;
  const first = limits[0];
  if (first === undefined)
    return { kind: 'error', reason: 'no-memory', message: 'no memory section found' };
  // After the conversion the exports are the original ones plus the converted import.
  const memoryExport =
    imported?.name === 'memory' ? 'memory' : m.exports.find((e) => e.name === 'memory')?.kind;
  if (memoryExport !== 'memory')
    return {
      kind: 'error',
      reason: 'no-memory',
      message:
        memoryExport === undefined
          ? 'memory is not exported under `memory` name'
          : 'the `memory` export should have memory type',
    };

  const memorySection = concat(
    uleb(limits.length),
    ...limits.map((l) => concat([1], uleb(Math.min(l.min, maxPages)), uleb(maxPages))),
  );
  const replace = new Map<number, Uint8Array>(); // section id → new content
  replace.set(SectionId.Memory, memorySection);
  if (imported) {
    const importSection = m.sections.find((s) => s.id === SectionId.Import)!;
    replace.set(SectionId.Import, withoutImport(m.bytes, importSection, importIndex));
    const exportSection = m.sections.find((s) => s.id === SectionId.Export);
    const entry = concat(name(imported.name), [2], uleb(0));
    replace.set(
      SectionId.Export,
      exportSection ? withExtraEntry(m.bytes, exportSection, entry) : concat(uleb(1), entry),
    );
  }
  return {
    kind: 'ok',
    bytes: rebuild(m, replace),
    shape: imported ? 'imported' : 'exported',
    initialPages: first.min,
  };
}

/** Re-emits the module with some sections' contents replaced or added (in canonical order). */
function rebuild(m: WasmModule, replace: Map<number, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [m.bytes.subarray(0, 8)];
  const pending = new Map(replace);
  const flushBefore = (rank: number) => {
    for (const [id, content] of [...pending].sort((a, b) => RANK[a[0]]! - RANK[b[0]]!)) {
      if (RANK[id]! < rank) {
        parts.push(section(id, content));
        pending.delete(id);
      }
    }
  };
  for (const s of m.sections) {
    if (s.id !== SectionId.Custom) flushBefore(RANK[s.id]!);
    const content = pending.get(s.id);
    if (s.id !== SectionId.Custom && content !== undefined) {
      parts.push(section(s.id, content));
      pending.delete(s.id);
    } else {
      parts.push(m.bytes.subarray(s.start, s.end));
    }
  }
  flushBefore(Infinity);
  return concat(...parts);
}

/** The import section's content without entry `index` (entries are copied byte for byte). */
function withoutImport(bytes: Uint8Array, s: SectionRange, index: number): Uint8Array {
  const r = new Reader(bytes, s.contentStart, s.end);
  const count = r.u32();
  const kept: Uint8Array[] = [uleb(count - 1)];
  for (let k = 0; k < count; k++) {
    const start = r.pos;
    skipImport(r);
    if (k !== index) kept.push(bytes.subarray(start, r.pos));
  }
  return concat(...kept);
}

function withExtraEntry(bytes: Uint8Array, s: SectionRange, entry: Uint8Array): Uint8Array {
  const r = new Reader(bytes, s.contentStart, s.end);
  const count = r.u32();
  return concat(uleb(count + 1), bytes.subarray(r.pos, s.end), entry);
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

function section(id: number, content: Uint8Array): Uint8Array {
  return concat([id], uleb(content.length), content);
}

function name(text: string): Uint8Array {
  const b = new TextEncoder().encode(text);
  return concat(uleb(b.length), b);
}

function uleb(n: number): Uint8Array {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return new Uint8Array(out);
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
