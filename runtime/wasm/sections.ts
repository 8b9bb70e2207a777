// Module framing and section decoding (WebAssembly Core Specification 2.0 §5.5, plus the
// tag section of exception handling). Function bodies and data payloads are not copied:
// they are byte ranges into the input, so a rewriter can copy or splice them. The parser
// checks what V8 would refuse structurally (order, duplicates, sizes, counts); typing is
// left to the engine, which validates every module it compiles.
import { InstructionCursor, skipConstExpr } from './instructions.js';
import { Reader, WasmParseError } from './reader.js';
import type { ValType } from './types.js';
import {
  type ConstExpr,
  type CustomSection,
  type DataSegment,
  type ElementSegment,
  type Export,
  type FuncType,
  type FunctionBody,
  type Global,
  type Import,
  type Limits,
  type SectionRange,
  type TableType,
  type WasmModule,
  constValue,
  EXTERNAL_KINDS,
  SectionId,
} from './types.js';

export const WASM_MAGIC = 0x6d736100; // "\0asm" read little-endian
export const WASM_VERSION = 1;

// The order non-custom sections must appear in (the tag section sits between memory and
// global; data count between element and code).
export const SECTION_ORDER: Readonly<Record<number, number>> = {
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

/**
 * Parses a core wasm module's sections. Throws `WasmParseError` on malformed input; does not
 * walk function bodies (see {@link InstructionCursor}).
 */
export function parseModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes);
  if (bytes.length < 8) r.fail('not a wasm module: shorter than the 8-byte header', 0);
  const magic = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  if (magic !== WASM_MAGIC) r.fail('not a wasm module: wrong magic bytes', 0);
  const version = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  if (version !== WASM_VERSION)
    r.fail(
      version === 0x1000d
        ? 'a component-model component, not a core module'
        : `unsupported wasm version 0x${version.toString(16)}`,
      4,
    );
  r.pos = 8;

  const m: WasmModule = {
    bytes,
    sections: [],
    types: [],
    imports: [],
    functions: new Uint32Array(0),
    tables: [],
    memories: [],
    tags: [],
    globals: [],
    exports: [],
    start: undefined,
    elements: [],
    dataCount: undefined,
    code: [],
    data: [],
    customSections: [],
  };
  const cursor = new InstructionCursor(bytes);
  let last = 0;
  while (!r.atEnd) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    const contentStart = r.pos;
    if (size > r.end - contentStart)
      r.fail(`section ${id} of ${size} bytes runs past the end of the module`, start);
    const end = contentStart + size;
    const range: SectionRange = { id, start, contentStart, end };
    m.sections.push(range);
    const s = new Reader(bytes, contentStart, end);
    if (id !== SectionId.Custom) {
      const rank = SECTION_ORDER[id];
      if (rank === undefined) throw new WasmParseError(`unknown section id ${id}`, start);
      if (rank <= last) r.fail(`section ${id} out of order or repeated`, start);
      last = rank;
    }
    readSection(m, id, s, cursor, range);
    if (s.pos !== end) s.fail(`section ${id} has ${end - s.pos} unread byte(s) at its end`);
    r.pos = end;
  }
  if (m.functions.length !== m.code.length)
    r.fail(
      `function and code section counts differ (${m.functions.length} vs ${m.code.length})`,
      r.pos,
    );
  if (m.dataCount !== undefined && m.dataCount !== m.data.length)
    r.fail(`data count ${m.dataCount} differs from ${m.data.length} data segments`, r.pos);
  return m;
}

function readSection(
  m: WasmModule,
  id: number,
  s: Reader,
  cursor: InstructionCursor,
  range: SectionRange,
): void {
  switch (id) {
    case SectionId.Custom: {
      const name = s.name();
      m.customSections.push({ name, start: s.pos, end: s.end, section: range });
      s.pos = s.end;
      return;
    }
    case SectionId.Type:
      m.types = s.vec(funcType);
      return;
    case SectionId.Import:
      m.imports = s.vec(importEntry);
      return;
    case SectionId.Function:
      m.functions = s.u32Vec();
      return;
    case SectionId.Table:
      m.tables = s.vec(tableType);
      return;
    case SectionId.Memory:
      m.memories = s.vec(limits);
      return;
    case SectionId.Tag:
      m.tags = s.vec(tag);
      return;
    case SectionId.Global:
      m.globals = s.vec((g) => {
        const type = valType(g);
        const mutable = mutability(g);
        return { type, mutable, init: constExpr(g, cursor) } satisfies Global;
      });
      return;
    case SectionId.Export:
      m.exports = s.vec(exportEntry);
      return;
    case SectionId.Start:
      m.start = s.u32();
      return;
    case SectionId.Element:
      m.elements = s.vec((e) => elementSegment(e, cursor));
      return;
    case SectionId.DataCount:
      m.dataCount = s.u32();
      return;
    case SectionId.Code:
      m.code = s.vec(functionBody);
      return;
    case SectionId.Data:
      m.data = s.vec((d) => dataSegment(d, cursor));
      return;
  }
}

const VALTYPES: Record<number, ValType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
  0x69: 'exnref',
};

export function valType(r: Reader): ValType {
  const at = r.pos;
  const t = VALTYPES[r.u8()];
  return t ?? r.fail('unknown value type', at);
}

function refType(r: Reader): ValType {
  const at = r.pos;
  const t = valType(r);
  if (t !== 'funcref' && t !== 'externref' && t !== 'exnref')
    r.fail('expected a reference type', at);
  return t;
}

function funcType(r: Reader): FuncType {
  const at = r.pos;
  if (r.u8() !== 0x60) r.fail('expected a function type (0x60)', at);
  return { params: r.vec(valType), results: r.vec(valType) };
}

/** Limits: flags bit 0 = has max, bit 1 = shared (threads), bit 2 = 64-bit (memory64). */
function limits(r: Reader): Limits {
  const at = r.pos;
  const flags = r.u8();
  if (flags > 7) r.fail(`unknown limits flags 0x${flags.toString(16)}`, at);
  const index64 = (flags & 4) !== 0;
  const read = () => (index64 ? r.u64AsNumber() : r.u32());
  const min = read();
  const max = flags & 1 ? read() : undefined;
  return { min, max, shared: (flags & 2) !== 0, index64 };
}

function tableType(r: Reader): TableType {
  const element = refType(r);
  return { element, limits: limits(r) };
}

function mutability(r: Reader): boolean {
  const at = r.pos;
  const b = r.u8();
  if (b > 1) r.fail('malformed mutability', at);
  return b === 1;
}

function tag(r: Reader): number {
  const at = r.pos;
  if (r.u8() !== 0) r.fail('unknown tag attribute', at);
  return r.u32();
}

function importEntry(r: Reader): Import {
  const module = r.name();
  const name = r.name();
  const at = r.pos;
  const kind = r.u8();
  switch (kind) {
    case 0:
      return { module, name, kind: 'func', type: r.u32() };
    case 1:
      return { module, name, kind: 'table', table: tableType(r) };
    case 2:
      return { module, name, kind: 'memory', limits: limits(r) };
    case 3: {
      const type = valType(r);
      return { module, name, kind: 'global', global: { type, mutable: mutability(r) } };
    }
    case 4:
      return { module, name, kind: 'tag', type: tag(r) };
    default:
      return r.fail(`unknown import kind ${kind}`, at);
  }
}

function exportEntry(r: Reader): Export {
  const name = r.name();
  const at = r.pos;
  const kind = EXTERNAL_KINDS[r.u8()];
  if (kind === undefined) r.fail('unknown export kind', at);
  return { name, kind, index: r.u32() };
}

function constExpr(r: Reader, cursor: InstructionCursor): ConstExpr {
  const start = r.pos;
  skipConstExpr(cursor, r);
  return { start, end: r.pos, value: constValue(r.bytes, start, r.pos) };
}

function functionBody(r: Reader): FunctionBody {
  const sizeStart = r.pos;
  const size = r.u32();
  const start = r.pos;
  r.skip(size);
  return { sizeStart, start, end: r.pos };
}

// Element segment flags (§5.5.12): bit 0 passive/declarative, bit 1 explicit table index
// (active) or declarative (passive), bit 2 items are expressions instead of function indices.
function elementSegment(r: Reader, cursor: InstructionCursor): ElementSegment {
  const start = r.pos;
  const flags = r.u32();
  if (flags > 7) r.fail(`unknown element segment flags ${flags}`, start);
  const active = (flags & 1) === 0;
  const table = active && flags & 2 ? r.u32() : 0;
  const offset = active ? constExpr(r, cursor) : undefined;
  let element: ValType = 'funcref';
  if (flags & 3) {
    // An elemkind byte (0x00 = funcref) for index lists, a reftype for expression lists.
    if (flags & 4) element = refType(r);
    else if (r.u8() !== 0) r.fail('unknown element kind', r.pos - 1);
  }
  const mode = active ? 'active' : flags & 2 ? 'declarative' : 'passive';
  if (flags & 4) {
    const items = r.vec((e) => constExpr(e, cursor));
    return { flags, mode, table, offset, element, expressions: items, start, end: r.pos };
  }
  return { flags, mode, table, offset, element, functions: r.u32Vec(), start, end: r.pos };
}

function dataSegment(r: Reader, cursor: InstructionCursor): DataSegment {
  const start = r.pos;
  const flags = r.u32();
  if (flags > 2) r.fail(`unknown data segment flags ${flags}`, start);
  const memory = flags === 2 ? r.u32() : 0;
  const offset = flags === 1 ? undefined : constExpr(r, cursor);
  const len = r.u32();
  const dataStart = r.pos;
  r.skip(len);
  return {
    flags,
    mode: flags === 1 ? 'passive' : 'active',
    memory,
    offset,
    dataStart,
    start,
    end: r.pos,
  };
}

/** The payload of a custom section (a view into the module bytes). */
export function customSectionBytes(m: WasmModule, section: CustomSection): Uint8Array {
  return m.bytes.subarray(section.start, section.end);
}
