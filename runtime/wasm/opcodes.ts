// The opcode table: every instruction of the MVP and of the post-MVP proposals V8 11.3
// (Node.js 20) can read, with its immediate layout and the proposal it belongs to. It is one
// data table, so it is longer than most files; the walker in instructions.ts reads it.
//
// Encodings follow the WebAssembly Core Specification 2.0 §5.4 and the proposal overviews
// (threads, tail-call, exception-handling incl. the exnref revision, relaxed-simd,
// multi-memory, memory64). Opcodes V8 on Node 20 never accepts (GC, typed function
// references: 0x14-0x15, 0xD3-0xD6, 0xFB) are absent, so the walker reports them as unknown.

/** The proposal an instruction (or another module construct) belongs to. */
export const Feature = {
  Mvp: 0,
  SignExtension: 1,
  SaturatingFloatToInt: 2,
  BulkMemory: 3,
  ReferenceTypes: 4,
  MultiValue: 5,
  Simd: 6,
  RelaxedSimd: 7,
  Threads: 8,
  TailCall: 9,
  Exceptions: 10,
  /** The exnref revision of exception handling (`try_table`, `throw_ref`, `exnref`). */
  ExceptionsExnref: 11,
  Memory64: 12,
  MultiMemory: 13,
  ExtendedConst: 14,
} as const;
export type Feature = (typeof Feature)[keyof typeof Feature];

/** Feature names as reported to users, indexed by {@link Feature}. */
export const FEATURE_NAMES = [
  'mvp',
  'sign-extension',
  'saturating-float-to-int',
  'bulk-memory',
  'reference-types',
  'multi-value',
  'simd',
  'relaxed-simd',
  'threads',
  'tail-call',
  'exceptions',
  'exceptions-exnref',
  'memory64',
  'multi-memory',
  'extended-const',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The layout of an instruction's immediates (what follows its opcode). */
export const Imm = {
  None: 0,
  /** s33 block type. */
  Block: 1,
  /** u32 relative label depth. */
  Label: 2,
  /** vec(u32 label) then a u32 default label. */
  BrTable: 3,
  /** u32 function index. */
  Func: 4,
  /** u32 type index then u32 table index. */
  CallIndirect: 5,
  Local: 6,
  Global: 7,
  /** u32 table index. */
  Table: 8,
  /** memarg: u32 alignment flags (bit 6: a memory index follows), [u32 memory], u64 offset. */
  MemArg: 9,
  /** u32 memory index (memory.size/grow/fill). */
  Memory: 10,
  I32: 11,
  I64: 12,
  /** 4 raw bytes. */
  F32: 13,
  /** 8 raw bytes. */
  F64: 14,
  /** vec(valtype): typed `select`. */
  SelectT: 15,
  /** s33 heap type: `ref.null`. */
  HeapType: 16,
  /** u32 tag index. */
  Tag: 17,
  /** block type, then vec(catch clause). */
  TryTable: 18,
  /** 16 raw bytes: `v128.const`. */
  V128: 19,
  /** 16 lane indices: `i8x16.shuffle`. */
  Shuffle: 20,
  /** 1 lane-index byte. */
  Lane: 21,
  /** memarg then 1 lane-index byte. */
  MemArgLane: 22,
  /** u32 data index then u32 memory index: `memory.init`. */
  DataMemory: 23,
  /** u32 data index: `data.drop`. */
  Data: 24,
  /** u32 memory index twice: `memory.copy` (destination, source). */
  MemoryMemory: 25,
  /** u32 element index then u32 table index: `table.init`. */
  ElemTable: 26,
  /** u32 element index: `elem.drop`. */
  Elem: 27,
  /** u32 table index twice: `table.copy` (destination, source). */
  TableTable: 28,
  /** one reserved 0x00 byte: `atomic.fence`. */
  ZeroByte: 29,
  /** not an instruction V8 on Node 20 reads. */
  Unknown: 255,
} as const;
export type Imm = (typeof Imm)[keyof typeof Imm];

/** The opcode prefixes; a prefixed opcode's key is `prefix << 16 | subopcode`. */
export const Prefix = { Misc: 0xfc, Simd: 0xfd, Atomic: 0xfe } as const;

/** One table of opcodes: parallel arrays indexed by (sub)opcode. */
export interface OpcodeTable {
  readonly imm: Uint8Array;
  readonly feature: Uint8Array;
  readonly names: (string | undefined)[];
}

function table(size: number): OpcodeTable {
  return { imm: new Uint8Array(size).fill(Imm.Unknown), feature: new Uint8Array(size), names: [] };
}

function def(t: OpcodeTable, code: number, name: string, imm: Imm, feature: Feature): void {
  t.imm[code] = imm;
  t.feature[code] = feature;
  t.names[code] = name;
}

/** Defines `names` (space separated; `-` skips a reserved code) from `first` on. */
function run(t: OpcodeTable, first: number, names: string, imm: Imm, feature: Feature): void {
  names
    .trim()
    .split(/\s+/)
    .forEach((name, k) => {
      if (name !== '-') def(t, first + k, name, imm, feature);
    });
}

const { Mvp } = Feature;

/** Single-byte opcodes. */
export const SINGLE: OpcodeTable = table(256);
run(SINGLE, 0x00, 'unreachable nop', Imm.None, Mvp);
run(SINGLE, 0x02, 'block loop if', Imm.Block, Mvp);
def(SINGLE, 0x05, 'else', Imm.None, Mvp);
def(SINGLE, 0x06, 'try', Imm.Block, Feature.Exceptions);
def(SINGLE, 0x07, 'catch', Imm.Tag, Feature.Exceptions);
def(SINGLE, 0x08, 'throw', Imm.Tag, Feature.Exceptions);
def(SINGLE, 0x09, 'rethrow', Imm.Label, Feature.Exceptions);
def(SINGLE, 0x0a, 'throw_ref', Imm.None, Feature.ExceptionsExnref);
def(SINGLE, 0x0b, 'end', Imm.None, Mvp);
run(SINGLE, 0x0c, 'br br_if', Imm.Label, Mvp);
def(SINGLE, 0x0e, 'br_table', Imm.BrTable, Mvp);
def(SINGLE, 0x0f, 'return', Imm.None, Mvp);
def(SINGLE, 0x10, 'call', Imm.Func, Mvp);
def(SINGLE, 0x11, 'call_indirect', Imm.CallIndirect, Mvp);
def(SINGLE, 0x12, 'return_call', Imm.Func, Feature.TailCall);
def(SINGLE, 0x13, 'return_call_indirect', Imm.CallIndirect, Feature.TailCall);
def(SINGLE, 0x18, 'delegate', Imm.Label, Feature.Exceptions);
def(SINGLE, 0x19, 'catch_all', Imm.None, Feature.Exceptions);
run(SINGLE, 0x1a, 'drop select', Imm.None, Mvp);
def(SINGLE, 0x1c, 'select', Imm.SelectT, Feature.ReferenceTypes);
def(SINGLE, 0x1f, 'try_table', Imm.TryTable, Feature.ExceptionsExnref);
run(SINGLE, 0x20, 'local.get local.set local.tee', Imm.Local, Mvp);
run(SINGLE, 0x23, 'global.get global.set', Imm.Global, Mvp);
run(SINGLE, 0x25, 'table.get table.set', Imm.Table, Feature.ReferenceTypes);
run(
  SINGLE,
  0x28,
  `i32.load i64.load f32.load f64.load i32.load8_s i32.load8_u i32.load16_s i32.load16_u
   i64.load8_s i64.load8_u i64.load16_s i64.load16_u i64.load32_s i64.load32_u
   i32.store i64.store f32.store f64.store i32.store8 i32.store16 i64.store8 i64.store16
   i64.store32`,
  Imm.MemArg,
  Mvp,
);
run(SINGLE, 0x3f, 'memory.size memory.grow', Imm.Memory, Mvp);
def(SINGLE, 0x41, 'i32.const', Imm.I32, Mvp);
def(SINGLE, 0x42, 'i64.const', Imm.I64, Mvp);
def(SINGLE, 0x43, 'f32.const', Imm.F32, Mvp);
def(SINGLE, 0x44, 'f64.const', Imm.F64, Mvp);
run(
  SINGLE,
  0x45,
  `i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u
   i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u
   f32.eq f32.ne f32.lt f32.gt f32.le f32.ge f64.eq f64.ne f64.lt f64.gt f64.le f64.ge
   i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u
   i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr
   i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u
   i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr
   f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul
   f32.div f32.min f32.max f32.copysign
   f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul
   f64.div f64.min f64.max f64.copysign
   i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u
   i64.extend_i32_s i64.extend_i32_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s
   i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s f32.convert_i64_u
   f32.demote_f64 f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u
   f64.promote_f32 i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32
   f64.reinterpret_i64`,
  Imm.None,
  Mvp,
);
run(
  SINGLE,
  0xc0,
  'i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s',
  Imm.None,
  Feature.SignExtension,
);
def(SINGLE, 0xd0, 'ref.null', Imm.HeapType, Feature.ReferenceTypes);
def(SINGLE, 0xd1, 'ref.is_null', Imm.None, Feature.ReferenceTypes);
def(SINGLE, 0xd2, 'ref.func', Imm.Func, Feature.ReferenceTypes);

/** 0xFC-prefixed opcodes: saturating truncation, bulk memory, table instructions. */
export const MISC: OpcodeTable = table(18);
run(
  MISC,
  0,
  `i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u
   i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u`,
  Imm.None,
  Feature.SaturatingFloatToInt,
);
def(MISC, 8, 'memory.init', Imm.DataMemory, Feature.BulkMemory);
def(MISC, 9, 'data.drop', Imm.Data, Feature.BulkMemory);
def(MISC, 10, 'memory.copy', Imm.MemoryMemory, Feature.BulkMemory);
def(MISC, 11, 'memory.fill', Imm.Memory, Feature.BulkMemory);
def(MISC, 12, 'table.init', Imm.ElemTable, Feature.BulkMemory);
def(MISC, 13, 'elem.drop', Imm.Elem, Feature.BulkMemory);
def(MISC, 14, 'table.copy', Imm.TableTable, Feature.BulkMemory);
run(MISC, 15, 'table.grow table.size table.fill', Imm.Table, Feature.ReferenceTypes);

/** 0xFD-prefixed opcodes: fixed-width SIMD (0x00-0xFF) and relaxed SIMD (0x100-0x113). */
export const SIMD: OpcodeTable = table(0x114);
run(
  SIMD,
  0,
  `v128.load v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s
   v128.load32x2_u v128.load8_splat v128.load16_splat v128.load32_splat v128.load64_splat
   v128.store`,
  Imm.MemArg,
  Feature.Simd,
);
def(SIMD, 12, 'v128.const', Imm.V128, Feature.Simd);
def(SIMD, 13, 'i8x16.shuffle', Imm.Shuffle, Feature.Simd);
run(
  SIMD,
  14,
  'i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat',
  Imm.None,
  Feature.Simd,
);
run(
  SIMD,
  21,
  `i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s
   i16x8.extract_lane_u i16x8.replace_lane i32x4.extract_lane i32x4.replace_lane
   i64x2.extract_lane i64x2.replace_lane f32x4.extract_lane f32x4.replace_lane
   f64x2.extract_lane f64x2.replace_lane`,
  Imm.Lane,
  Feature.Simd,
);
run(
  SIMD,
  35,
  `i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u
   i8x16.ge_s i8x16.ge_u i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u
   i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u
   i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u
   f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge f64x2.eq f64x2.ne f64x2.lt f64x2.gt
   f64x2.le f64x2.ge v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect
   v128.any_true`,
  Imm.None,
  Feature.Simd,
);
run(
  SIMD,
  84,
  `v128.load8_lane v128.load16_lane v128.load32_lane v128.load64_lane v128.store8_lane
   v128.store16_lane v128.store32_lane v128.store64_lane`,
  Imm.MemArgLane,
  Feature.Simd,
);
run(SIMD, 92, 'v128.load32_zero v128.load64_zero', Imm.MemArg, Feature.Simd);
run(
  SIMD,
  94,
  `f32x4.demote_f64x2_zero f64x2.promote_low_f32x4
   i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s
   i8x16.narrow_i16x8_u f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest i8x16.shl i8x16.shr_s
   i8x16.shr_u i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s
   i8x16.sub_sat_u f64x2.ceil f64x2.floor i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u
   f64x2.trunc i8x16.avgr_u i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u
   i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u
   i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask i16x8.narrow_i32x4_s
   i16x8.narrow_i32x4_u i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s
   i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u i16x8.shl i16x8.shr_s i16x8.shr_u
   i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u
   f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u - i16x8.avgr_u
   i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u
   i16x8.extmul_high_i8x16_u
   i32x4.abs i32x4.neg - i32x4.all_true i32x4.bitmask - - i32x4.extend_low_i16x8_s
   i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.shl
   i32x4.shr_s i32x4.shr_u i32x4.add - - i32x4.sub - - - i32x4.mul i32x4.min_s i32x4.min_u
   i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s - i32x4.extmul_low_i16x8_s
   i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u
   i64x2.abs i64x2.neg - i64x2.all_true i64x2.bitmask - - i64x2.extend_low_i32x4_s
   i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u i64x2.shl
   i64x2.shr_s i64x2.shr_u i64x2.add - - i64x2.sub - - - i64x2.mul i64x2.eq i64x2.ne
   i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s
   i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u
   f32x4.abs f32x4.neg - f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min
   f32x4.max f32x4.pmin f32x4.pmax
   f64x2.abs f64x2.neg - f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min
   f64x2.max f64x2.pmin f64x2.pmax
   i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u
   i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s
   f64x2.convert_low_i32x4_u`,
  Imm.None,
  Feature.Simd,
);
run(
  SIMD,
  0x100,
  `i8x16.relaxed_swizzle i32x4.relaxed_trunc_f32x4_s i32x4.relaxed_trunc_f32x4_u
   i32x4.relaxed_trunc_f64x2_s_zero i32x4.relaxed_trunc_f64x2_u_zero f32x4.relaxed_madd
   f32x4.relaxed_nmadd f64x2.relaxed_madd f64x2.relaxed_nmadd i8x16.relaxed_laneselect
   i16x8.relaxed_laneselect i32x4.relaxed_laneselect i64x2.relaxed_laneselect
   f32x4.relaxed_min f32x4.relaxed_max f64x2.relaxed_min f64x2.relaxed_max
   i16x8.relaxed_q15mulr_s i16x8.relaxed_dot_i8x16_i7x16_s
   i32x4.relaxed_dot_i8x16_i7x16_add_s`,
  Imm.None,
  Feature.RelaxedSimd,
);

/** 0xFE-prefixed opcodes: threads (atomic memory accesses, wait/notify, fence). */
export const ATOMIC: OpcodeTable = table(0x4f);
run(
  ATOMIC,
  0,
  'memory.atomic.notify memory.atomic.wait32 memory.atomic.wait64',
  Imm.MemArg,
  Feature.Threads,
);
def(ATOMIC, 3, 'atomic.fence', Imm.ZeroByte, Feature.Threads);
run(
  ATOMIC,
  0x10,
  `i32.atomic.load i64.atomic.load i32.atomic.load8_u i32.atomic.load16_u i64.atomic.load8_u
   i64.atomic.load16_u i64.atomic.load32_u i32.atomic.store i64.atomic.store
   i32.atomic.store8 i32.atomic.store16 i64.atomic.store8 i64.atomic.store16
   i64.atomic.store32`,
  Imm.MemArg,
  Feature.Threads,
);
['add', 'sub', 'and', 'or', 'xor', 'xchg', 'cmpxchg'].forEach((op, k) =>
  run(
    ATOMIC,
    0x1e + 7 * k,
    `i32.atomic.rmw.${op} i64.atomic.rmw.${op} i32.atomic.rmw8.${op}_u i32.atomic.rmw16.${op}_u
     i64.atomic.rmw8.${op}_u i64.atomic.rmw16.${op}_u i64.atomic.rmw32.${op}_u`,
    Imm.MemArg,
    Feature.Threads,
  ),
);

/** The table for a prefix byte, or undefined when the byte is not a prefix. */
export function prefixTable(prefix: number): OpcodeTable | undefined {
  return prefix === Prefix.Misc
    ? MISC
    : prefix === Prefix.Simd
      ? SIMD
      : prefix === Prefix.Atomic
        ? ATOMIC
        : undefined;
}

/** The text name of an opcode key (`byte` or `prefix << 16 | sub`), e.g. `i32.add`. */
export function opcodeName(op: number): string | undefined {
  if (op < 0x100) return SINGLE.names[op];
  return prefixTable(op >>> 16)?.names[op & 0xffff];
}
