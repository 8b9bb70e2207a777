// The instruction walker: decodes one instruction at a time from a function body or a
// constant expression into the fields of one reused cursor object (no allocation per
// instruction; a 13.5 MB runtime has millions of them). Every instruction's byte range is
// exposed so a rewriter can copy bodies and splice instructions in between.
import { Feature, Imm, prefixTable, SINGLE } from './opcodes.js';
import { Reader, WasmParseError } from './reader.js';

/** Opcode keys the walker treats specially. */
export const Op = {
  Block: 0x02,
  Loop: 0x03,
  If: 0x04,
  Else: 0x05,
  Try: 0x06,
  End: 0x0b,
  TryTable: 0x1f,
  I32Const: 0x41,
  I64Const: 0x42,
} as const;

/** Block types that are not type indices (s33 values of the one-byte shorthands). */
export const BlockType = {
  Empty: -64,
  I32: -1,
  I64: -2,
  F32: -3,
  F64: -4,
  V128: -5,
  FuncRef: -16,
  ExternRef: -17,
  ExnRef: -23,
} as const;

/**
 * A cursor over the instructions of `bytes[pos, end)`. Call {@link next} until it returns
 * false; after each call the fields describe the instruction just read:
 * - `op`: the opcode key (a byte, or `prefix << 16 | subopcode` for 0xFC/0xFD/0xFE);
 * - `start`/`pos`: its byte range `[start, pos)`, `immStart` where its immediates begin;
 * - `imm`: the immediate layout ({@link Imm}) and `a`, `b`, `c`, `d` its numeric immediates:
 *   Block/HeapType: a = s33 type; Label/Func/Local/Global/Table/Memory/Tag/Data/Elem: a = index;
 *   CallIndirect: a = type, b = table; BrTable: a = target count, b = default label;
 *   MemArg(Lane): a = alignment exponent, b = offset, c = memory, d = lane;
 *   DataMemory/ElemTable/MemoryMemory/TableTable: a, b = the two indices; I32: a = value;
 *   Lane: a = lane; SelectT: a = type count; TryTable: a = block type, b = clause count;
 *   I64/F32/F64/V128/Shuffle: read from `immStart` ({@link i64}, {@link f64}, ...).
 * - `feature`: the proposal this use of the instruction needs ({@link Feature});
 * - `depth`: block nesting after the instruction (the body's final `end` leaves it at -1).
 * Malformed input throws `WasmParseError` with the absolute byte offset.
 */
export class InstructionCursor {
  readonly r: Reader;
  op = 0;
  start = 0;
  immStart = 0;
  imm: Imm = Imm.None;
  a = 0;
  b = 0;
  c = 0;
  d = 0;
  feature: Feature = Feature.Mvp;
  depth = 0;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.r = new Reader(bytes, start, end);
  }

  /** Restarts the cursor on `bytes[start, end)` at depth 0. */
  reset(start: number, end: number): this {
    this.r.pos = start;
    this.r.end = end;
    this.depth = 0;
    return this;
  }

  get pos(): number {
    return this.r.pos;
  }

  get end(): number {
    return this.r.end;
  }

  /**
   * Reads the next instruction; false once the expression's final `end` (depth -1) has been
   * read and the range is exhausted. Input that stops before that `end`, or continues after
   * it, throws.
   */
  next(): boolean {
    const r = this.r;
    if (this.depth < 0) {
      if (r.pos < r.end) r.fail('instructions after the final end of an expression');
      return false;
    }
    if (r.pos >= r.end) r.fail('expression ends without its final end');
    this.start = r.pos;
    const byte = r.bytes[r.pos++]!;
    let imm: Imm;
    let feature: Feature;
    if (byte < 0xfc) {
      this.op = byte;
      imm = SINGLE.imm[byte]! as Imm;
      feature = SINGLE.feature[byte]! as Feature;
    } else {
      const t = prefixTable(byte);
      const sub = r.u32();
      if (t === undefined || sub >= t.imm.length)
        throw new WasmParseError(`unknown opcode 0x${byte.toString(16)} ${sub}`, this.start);
      this.op = (byte << 16) | sub;
      imm = t.imm[sub]! as Imm;
      feature = t.feature[sub]! as Feature;
    }
    this.immStart = r.pos;
    this.imm = imm;
    switch (imm) {
      case Imm.None:
        if (byte === Op.End) this.depth--;
        break;
      case Imm.Block: {
        const bt = r.s33();
        this.a = bt;
        if (feature === Feature.Mvp) feature = blockFeature(bt);
        this.depth++;
        break;
      }
      case Imm.Label:
      case Imm.Func:
      case Imm.Local:
      case Imm.Global:
      case Imm.Table:
      case Imm.Tag:
      case Imm.Data:
      case Imm.Elem:
        this.a = r.u32();
        if (byte === 0x18) this.depth--; // `delegate` closes its `try` like `end`.
        break;
      case Imm.Memory:
        this.a = r.u32();
        if (this.a !== 0 && feature === Feature.Mvp) feature = Feature.MultiMemory;
        break;
      case Imm.I32:
        this.a = r.i32();
        break;
      case Imm.I64:
        r.skipLeb(64, true);
        break;
      case Imm.F32:
        r.skip(4);
        break;
      case Imm.F64:
        r.skip(8);
        break;
      case Imm.MemArg:
        feature = this.memarg(feature);
        break;
      case Imm.MemArgLane:
        feature = this.memarg(feature);
        this.d = r.u8();
        break;
      case Imm.CallIndirect:
        this.a = r.u32();
        this.b = r.u32();
        if (this.b !== 0 && feature === Feature.Mvp) feature = Feature.ReferenceTypes;
        break;
      case Imm.BrTable: {
        const n = r.u32();
        if (n > r.end - r.pos) r.fail(`br_table of ${n} targets exceeds the remaining input`);
        for (let k = 0; k < n; k++) r.u32();
        this.a = n;
        this.b = r.u32();
        break;
      }
      case Imm.DataMemory:
      case Imm.MemoryMemory:
      case Imm.ElemTable:
      case Imm.TableTable:
        this.a = r.u32();
        this.b = r.u32();
        // memory.init's first index is a data segment; memory.copy's are both memories.
        if (
          (imm === Imm.DataMemory && this.b !== 0) ||
          (imm === Imm.MemoryMemory && (this.a !== 0 || this.b !== 0))
        )
          feature = Feature.MultiMemory;
        break;
      case Imm.SelectT: {
        const n = r.u32();
        if (n > r.end - r.pos) r.fail(`select of ${n} types exceeds the remaining input`);
        for (let k = 0; k < n; k++) r.s33();
        this.a = n;
        break;
      }
      case Imm.HeapType:
        this.a = r.s33();
        break;
      case Imm.TryTable: {
        this.a = r.s33();
        const n = r.u32();
        for (let k = 0; k < n; k++) {
          const kind = r.u8();
          if (kind > 3) r.fail(`unknown catch clause kind ${kind}`, r.pos - 1);
          if (kind < 2) r.u32(); // catch / catch_ref name a tag
          r.u32(); // label
        }
        this.b = n;
        this.depth++;
        break;
      }
      case Imm.V128:
      case Imm.Shuffle:
        r.skip(16);
        break;
      case Imm.Lane:
        this.a = r.u8();
        break;
      case Imm.ZeroByte:
        if (r.u8() !== 0) r.fail('expected a zero byte', r.pos - 1);
        break;
      default:
        r.fail(
          byte < 0xfc
            ? `unknown opcode 0x${byte.toString(16).padStart(2, '0')}`
            : `unknown opcode 0x${byte.toString(16)} ${this.op & 0xffff}`,
          this.start,
        );
    }
    this.feature = feature;
    return true;
  }

  /** The value of the current `i64.const`. */
  i64(): bigint {
    return new Reader(this.r.bytes, this.immStart, this.r.pos).i64();
  }

  /** The value of the current `f32.const` (4 bytes) or `f64.const` (8 bytes). */
  float(): number {
    const b = this.r.bytes;
    const view = new DataView(b.buffer, b.byteOffset + this.immStart, this.r.pos - this.immStart);
    return this.imm === Imm.F32 ? view.getFloat32(0, true) : view.getFloat64(0, true);
  }

  /** The 16 raw immediate bytes of `v128.const` or `i8x16.shuffle` (a view, not a copy). */
  bytes16(): Uint8Array {
    return this.r.bytes.subarray(this.immStart, this.immStart + 16);
  }

  /** The targets of the current `br_table`, default label last. */
  brTableTargets(): number[] {
    const r = new Reader(this.r.bytes, this.immStart, this.r.pos);
    const n = r.u32();
    const out: number[] = [];
    for (let k = 0; k <= n; k++) out.push(r.u32());
    return out;
  }

  private memarg(feature: Feature): Feature {
    const r = this.r;
    const flags = r.u32();
    // Multi-memory: bit 6 of the alignment field says an explicit memory index follows.
    if (flags & 0x40) {
      this.c = r.u32();
      if (feature === Feature.Mvp && this.c !== 0) feature = Feature.MultiMemory;
    } else this.c = 0;
    this.a = flags & ~0x40;
    const offset = r.u64AsNumber();
    this.b = offset;
    if (offset > 0xffffffff && feature === Feature.Mvp) feature = Feature.Memory64;
    return feature;
  }
}

function blockFeature(bt: number): Feature {
  if (bt >= 0) return Feature.MultiValue;
  if (bt === BlockType.V128) return Feature.Simd;
  if (bt === BlockType.FuncRef || bt === BlockType.ExternRef) return Feature.ReferenceTypes;
  if (bt === BlockType.ExnRef) return Feature.ExceptionsExnref;
  return Feature.Mvp;
}

/**
 * Skips a constant expression (global initialisers, segment offsets) from `r.pos` through its
 * final `end`, leaving `r.pos` after it. `cursor` is reused and ends on the last instruction.
 */
export function skipConstExpr(cursor: InstructionCursor, r: Reader): void {
  cursor.reset(r.pos, r.end);
  while (cursor.depth >= 0) cursor.next();
  r.pos = cursor.pos;
}
