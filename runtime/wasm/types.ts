// The decoded shape of a core wasm module. Offsets are absolute positions in `WasmModule.bytes`
// so a rewriter can copy or replace any part without re-encoding the rest.
import { Reader } from './reader.js';

export const SectionId = {
  Custom: 0,
  Type: 1,
  Import: 2,
  Function: 3,
  Table: 4,
  Memory: 5,
  Global: 6,
  Export: 7,
  Start: 8,
  Element: 9,
  Code: 10,
  Data: 11,
  DataCount: 12,
  Tag: 13,
} as const;

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref' | 'exnref';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Table or memory limits; `min`/`max` in pages (memories) or elements (tables). */
export interface Limits {
  min: number;
  max: number | undefined;
  /** threads: a shared memory. */
  shared: boolean;
  /** memory64: 64-bit indices. */
  index64: boolean;
}

export interface TableType {
  element: ValType;
  limits: Limits;
}

export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

export type ExternalKind = 'func' | 'table' | 'memory' | 'global' | 'tag';
export const EXTERNAL_KINDS: readonly ExternalKind[] = ['func', 'table', 'memory', 'global', 'tag'];

export type Import = { module: string; name: string } & (
  | { kind: 'func'; type: number }
  | { kind: 'table'; table: TableType }
  | { kind: 'memory'; limits: Limits }
  | { kind: 'global'; global: GlobalType }
  | { kind: 'tag'; type: number }
);

export interface Export {
  name: string;
  kind: ExternalKind;
  index: number;
}

/** The value of a constant expression that is a single instruction; else `expression`. */
export type ConstValue =
  | { kind: 'i32.const'; value: number }
  | { kind: 'i64.const'; value: bigint }
  | { kind: 'f32.const' | 'f64.const'; value: number }
  | { kind: 'v128.const'; bytes: Uint8Array }
  | { kind: 'global.get' | 'ref.func'; index: number }
  | { kind: 'ref.null' }
  | { kind: 'expression' };

/** A constant expression: bytes `[start, end)` including its final `end` opcode. */
export interface ConstExpr {
  start: number;
  end: number;
  value: ConstValue;
}

export interface Global extends GlobalType {
  init: ConstExpr;
}

export interface ElementSegment {
  /** The segment's flags field (0-7), which fixes its encoding. */
  flags: number;
  mode: 'active' | 'passive' | 'declarative';
  table: number;
  offset: ConstExpr | undefined;
  element: ValType;
  /** Items encoded as function indices (flags 0-3). */
  functions?: Uint32Array;
  /** Items encoded as constant expressions (flags 4-7). */
  expressions?: ConstExpr[];
  start: number;
  end: number;
}

export interface DataSegment {
  flags: number;
  mode: 'active' | 'passive';
  memory: number;
  offset: ConstExpr | undefined;
  /** The payload is `bytes[dataStart, end)`. */
  dataStart: number;
  start: number;
  end: number;
}

/** One entry of the code section: `bytes[start, end)` is the body (locals then code). */
export interface FunctionBody {
  /** Where the body's size prefix starts. */
  sizeStart: number;
  start: number;
  end: number;
}

export interface CustomSection {
  name: string;
  /** The payload (after the name) is `bytes[start, end)`. */
  start: number;
  end: number;
  section: SectionRange;
}

/** A section's bytes: `[start, end)` from its id byte; the content begins at `contentStart`. */
export interface SectionRange {
  id: number;
  start: number;
  contentStart: number;
  end: number;
}

export interface WasmModule {
  bytes: Uint8Array;
  sections: SectionRange[];
  types: FuncType[];
  imports: Import[];
  /** The type index of each function defined by the module (after the imported ones). */
  functions: Uint32Array;
  tables: TableType[];
  memories: Limits[];
  /** Type index of each tag defined by the module (exception handling). */
  tags: number[];
  globals: Global[];
  exports: Export[];
  start: number | undefined;
  elements: ElementSegment[];
  dataCount: number | undefined;
  code: FunctionBody[];
  data: DataSegment[];
  customSections: CustomSection[];
}

/**
 * The parts of a module that say where its sections are and what it imports, defines as
 * memory and exports: enough to rewrite its memory (engine/memory-setup.ts) without parsing
 * it again. A rewriter that knows these for its output hands them over with the bytes.
 */
export type ModuleLayout = Pick<
  WasmModule,
  'bytes' | 'sections' | 'imports' | 'memories' | 'exports'
>;

/** Decodes a constant expression `bytes[start, end)` that is one instruction then `end`. */
export function constValue(bytes: Uint8Array, start: number, end: number): ConstValue {
  const r = new Reader(bytes, start, end);
  const op = r.u8();
  let value: ConstValue;
  switch (op) {
    case 0x41:
      value = { kind: 'i32.const', value: r.i32() };
      break;
    case 0x42:
      value = { kind: 'i64.const', value: r.i64() };
      break;
    case 0x43:
    case 0x44: {
      const n = op === 0x43 ? 4 : 8;
      const b = r.take(n);
      const view = new DataView(b.buffer, b.byteOffset, n);
      value =
        op === 0x43
          ? { kind: 'f32.const', value: view.getFloat32(0, true) }
          : { kind: 'f64.const', value: view.getFloat64(0, true) };
      break;
    }
    case 0x23:
      value = { kind: 'global.get', index: r.u32() };
      break;
    case 0xd2:
      value = { kind: 'ref.func', index: r.u32() };
      break;
    case 0xfd:
      if (r.u32() !== 0x0c) return { kind: 'expression' };
      value = { kind: 'v128.const', bytes: r.take(16) };
      break;
    case 0xd0:
      r.s33();
      value = { kind: 'ref.null' };
      break;
    default:
      return { kind: 'expression' };
  }
  return r.pos === end - 1 && bytes[r.pos] === 0x0b ? value : { kind: 'expression' };
}
