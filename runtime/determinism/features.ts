// Feature gating: refuse at prepare exactly the modules the reference refuses, with the
// reference's error class. V8 on Node 20 silently enables most post-MVP proposals, so without
// this a PVF using them would validate here and be refused by every Polkadot validator.
//
// The reference's two steps (paritytech/polkadot-sdk, version paired with polkadot-sdk
// stable2512, the newest fixture's toolchain):
//
// 1. Prevalidation — `prevalidate` = `RuntimeBlob::new(code)`
//    (polkadot/node/core/pvf/common/src/executor_interface.rs:222–227 @0646724e;
//    substrate/client/executor/common/src/runtime_blob/runtime_blob.rs:57–71 @0646724e), i.e.
//    `parity_wasm::elements::deserialize_buffer` from the parity-wasm 0.45 that
//    wasm-instrument 0.4.0 re-exports (`parity-wasm = { version = "0.45",
//    default-features = false }`, features `std` and an optional `sign_ext` that polkadot-sdk
//    does not enable). parity-wasm compiles each proposal behind a cargo feature
//    (`sign_ext`, `bulk`, `simd`, `atomics`, `multi_value`; paritytech/parity-wasm Cargo.toml
//    @10800664); with none enabled it knows only MVP: every other opcode is
//    `UnknownOpcode(n)` — sign extension 0xC0-0xC4 included, which is the well-known
//    "cannot deserialize module: UnknownOpcode(192)" (paritytech/polkadot-sdk issue #3192,
//    still reproduced on stable2409 and with 2025 toolchains), and the whole 0xFC prefix
//    (saturating float-to-int and bulk memory), 0xFD (SIMD) and 0xFE (threads) —, value types
//    other than i32/i64/f32/f64 are `UnknownValueType`, block types are a single `VarInt7`
//    byte, function types with more than one result are refused ("Enable the multi_value
//    feature…"), limits flags other than 0/1 are `InvalidLimitsFlags` (shared memories,
//    memory64), table element types other than funcref are refused, the `call_indirect` and
//    `memory.size/grow` reserved bytes must be the single byte 0x00, element and data
//    segments are read in their MVP layout only (flags ≠ 0 misparse and are refused), and the
//    data count (12) and tag (13) sections are unknown section ids. Enabling parity-wasm's
//    `bulk` anywhere in the build is impossible: wasm-instrument's exhaustive `match` over
//    parity-wasm instructions (src/stack_limiter/max_height.rs) has no arm for them. So the
//    `WasmExtBulkMemory` executor parameter, which only sets wasmtime's `wasm_bulk_memory`,
//    cannot make a module with bulk-memory constructs pass prevalidation: it changes nothing
//    a module can observe, and this gate takes no such option.
//
// 2. Preparation — `prepare_runtime_artifact` compiles the (instrumented) module with
//    wasmtime 36 configured by `common_config` (substrate/client/executor/wasmtime/src/
//    runtime.rs:241–339 @032b47f2, the proposals at :282–288): `wasm_reference_types(false)`,
//    `wasm_simd(false)`,
//    `wasm_bulk_memory(param)`, `wasm_multi_value(false)`, `wasm_multi_memory(false)`,
//    `wasm_threads(false)`, `wasm_memory64(false)`; everything else is wasmtime's default,
//    which for what survives step 1 means: mutable-global imports/exports accepted, and the
//    extended-const proposal ON (enabled by default since wasmtime 25,
//    WebAssembly/website PR #395) — `i32/i64.add/sub/mul` in constant expressions are
//    accepted by both steps, so the rewriter folds them into single constants for V8, which
//    refuses them. The only MVP-syntax construct wasmtime refuses but V8 accepts is a second
//    table (reference types); a second memory V8 refuses itself. Both are preparation errors.
//
// The first refusal in module order is reported, naming the proposal and, for instructions,
// the opcode and the function index. Anything our reader cannot parse is prevalidation too.
// This file holds the gates; analyze.ts runs them in module order during its one walk.
import type { InstructionCursor } from '../wasm/instructions.js';
import { Feature, FEATURE_NAMES, type FeatureName, opcodeName } from '../wasm/opcodes.js';
import type { FunctionBody, Limits, SectionRange, ValType, WasmModule } from '../wasm/types.js';
import { SectionId } from '../wasm/types.js';

/** The reference's error class: `PrepareError::Prevalidation` or `PrepareError::Preparation`. */
export type RefusalStage = 'prevalidation' | 'preparation';

export interface FeatureRefusal {
  readonly kind: 'refused';
  readonly stage: RefusalStage;
  /**
   * The proposal the refused construct belongs to, `malformed` for an MVP encoding quirk, or
   * `gc` (WASI policy: a GC encoding, which the opcode table does not hold).
   */
  readonly feature: FeatureName | 'malformed' | 'gc';
  /** The instruction's text name when an instruction is refused. */
  readonly opcode?: string;
  /** The function (index space incl. imports) whose body holds the refused instruction. */
  readonly funcIndex?: number;
  /** Byte offset in the module. */
  readonly offset: number;
  readonly message: string;
}

const NUMERIC = new Set<ValType>(['i32', 'i64', 'f32', 'f64']);

function typeFeature(t: ValType): FeatureName {
  if (t === 'v128') return 'simd';
  if (t === 'exnref') return 'exceptions-exnref';
  return 'reference-types';
}

/** Thrown by the gates below; {@link analyzeModule} turns it into the refusal it carries. */
export class Refused extends Error {
  constructor(readonly refusal: FeatureRefusal) {
    super(refusal.message);
  }
}

function refuse(
  stage: RefusalStage,
  feature: FeatureName | 'malformed',
  offset: number,
  what: string,
  extra: { opcode?: string; funcIndex?: number } = {},
): never {
  const prefix = stage === 'prevalidation' ? 'cannot deserialize module' : 'cannot create module';
  const where = extra.funcIndex === undefined ? '' : ` in function ${extra.funcIndex}`;
  throw new Refused({
    kind: 'refused',
    stage,
    feature,
    ...extra,
    offset,
    message: `${prefix}: ${what}${where} (${feature}, at byte ${offset})`,
  });
}

/**
 * Prevalidation of one section other than the code section (whose bodies are gated
 * instruction by instruction during the walk, see analyze.ts).
 * @throws {Refused} at the section's first refused construct.
 */
export function gateSection(m: WasmModule, s: SectionRange, cursor: InstructionCursor): void {
  switch (s.id) {
    case SectionId.Type:
      m.types.forEach((t, k) => {
        for (const v of [...t.params, ...t.results])
          if (!NUMERIC.has(v))
            refuse('prevalidation', typeFeature(v), s.start, `value type ${v} in type ${k}`);
        if (t.results.length > 1)
          refuse(
            'prevalidation',
            'multi-value',
            s.start,
            `type ${k} has ${t.results.length} results`,
          );
      });
      break;
    case SectionId.Import:
      for (const i of m.imports) {
        const what = `import ${i.module}.${i.name}`;
        if (i.kind === 'tag') refuse('prevalidation', 'exceptions', s.start, `${what} is a tag`);
        if (i.kind === 'table') table(i.table.element, i.table.limits, s.start, what);
        if (i.kind === 'memory') limits(i.limits, s.start, what);
        if (i.kind === 'global' && !NUMERIC.has(i.global.type))
          refuse(
            'prevalidation',
            typeFeature(i.global.type),
            s.start,
            `${what} has type ${i.global.type}`,
          );
      }
      break;
    case SectionId.Table:
      m.tables.forEach((t, k) => table(t.element, t.limits, s.start, `table ${k}`));
      break;
    case SectionId.Memory:
      m.memories.forEach((l, k) => limits(l, s.start, `memory ${k}`));
      break;
    case SectionId.Tag:
      refuse('prevalidation', 'exceptions', s.start, 'tag section');
      break;
    case SectionId.Global:
      m.globals.forEach((g, k) => {
        if (!NUMERIC.has(g.type))
          refuse('prevalidation', typeFeature(g.type), s.start, `global ${k} has type ${g.type}`);
        constExpr(cursor, g.init.start, g.init.end);
      });
      break;
    case SectionId.Export:
      for (const e of m.exports)
        if (e.kind === 'tag')
          refuse('prevalidation', 'exceptions', s.start, `export ${e.name} is a tag`);
      break;
    case SectionId.Element:
      for (const e of m.elements) {
        if (e.flags !== 0)
          refuse(
            'prevalidation',
            e.mode === 'declarative' ? 'reference-types' : 'bulk-memory',
            e.start,
            `element segment with flags ${e.flags} (${e.mode})`,
          );
        if (e.offset) constExpr(cursor, e.offset.start, e.offset.end);
      }
      break;
    case SectionId.DataCount:
      refuse('prevalidation', 'bulk-memory', s.start, 'data count section');
      break;
    case SectionId.Data:
      for (const d of m.data) {
        if (d.flags !== 0)
          refuse(
            'prevalidation',
            'bulk-memory',
            d.start,
            `data segment with flags ${d.flags} (${d.mode})`,
          );
        if (d.offset) constExpr(cursor, d.offset.start, d.offset.end);
      }
      break;
  }
}

/**
 * What wasmtime refuses when compiling (after prevalidation and the stack limiter): with
 * reference types and multi-memory off, one table and one memory at most.
 */
export function gateCompilation(m: WasmModule): FeatureRefusal | undefined {
  try {
    const tables = m.tables.length + m.imports.filter((i) => i.kind === 'table').length;
    if (tables > 1) refuse('preparation', 'reference-types', 0, `${tables} tables`);
    const memories = m.memories.length + m.imports.filter((i) => i.kind === 'memory').length;
    if (memories > 1) refuse('preparation', 'multi-memory', 0, `${memories} memories`);
    return undefined;
  } catch (err) {
    if (err instanceof Refused) return err.refusal;
    throw err;
  }
}

function table(element: ValType, l: Limits, at: number, what: string): void {
  if (element !== 'funcref')
    refuse('prevalidation', 'reference-types', at, `${what} holds ${element}`);
  limits(l, at, what);
}

function limits(l: Limits, at: number, what: string): void {
  if (l.index64) refuse('prevalidation', 'memory64', at, `${what} has 64-bit limits`);
  if (l.shared) refuse('prevalidation', 'threads', at, `${what} is shared`);
}

function constExpr(cursor: InstructionCursor, start: number, end: number): void {
  cursor.reset(start, end);
  while (cursor.next()) gateInstruction(cursor, undefined);
}

/** The `readLocals` callback that refuses a local of a non-numeric type in `body`. */
export function localsGate(
  body: FunctionBody,
  funcIndex: number,
): (count: number, type: ValType) => void {
  return (_count, type) => {
    if (!NUMERIC.has(type))
      refuse('prevalidation', typeFeature(type), body.start, `local of type ${type}`, {
        funcIndex,
      });
  };
}

/**
 * Refuses the cursor's current instruction if parity-wasm 0.45 without features cannot read it.
 * @throws {Refused}
 */
export function gateInstruction(c: InstructionCursor, funcIndex: number | undefined): void {
  // Hot path (millions of instructions): no allocation unless something is refused.
  const op = c.op;
  if (c.feature !== Feature.Mvp) refuseAt(c, funcIndex, FEATURE_NAMES[c.feature]!, 'instruction');
  if (op >= 0x02 && op <= 0x04) {
    // block type: one VarInt7 byte (empty or a numeric value type)
    if (c.pos - c.immStart !== 1) refuseAt(c, funcIndex, 'malformed', 'multi-byte block type in');
  } else if (op === 0x11) {
    // call_indirect: type index, then the reserved byte 0x00 (a table index since reference
    // types). The table index is that one byte iff the byte before it ends the type index's
    // LEB128 (continuation bit clear) and it is 0x00.
    const bytes = c.r.bytes;
    if (bytes[c.pos - 1] !== 0 || bytes[c.pos - 2]! & 0x80)
      refuseAt(c, funcIndex, 'reference-types', 'table index other than the byte 0x00 in');
  } else if (op === 0x3f || op === 0x40) {
    // memory.size/grow: the reserved byte 0x00 (a memory index since multi-memory)
    if (c.pos - c.immStart !== 1 || c.r.bytes[c.immStart] !== 0)
      refuseAt(c, funcIndex, 'multi-memory', 'memory index other than the byte 0x00 in');
  } else if (op >= 0x28 && op <= 0x3e && c.r.bytes[c.immStart]! & 0x40) {
    // memarg: bit 6 of the alignment field announces a memory index (multi-memory). The
    // alignment is a LEB128 whose first byte carries bit 6 (alignments are < 64 otherwise).
    refuseAt(c, funcIndex, 'multi-memory', 'memory index in');
  }
}

function refuseAt(
  c: InstructionCursor,
  funcIndex: number | undefined,
  feature: FeatureName | 'malformed',
  what: string,
): never {
  const opcode = opcodeName(c.op) ?? `0x${c.op.toString(16)}`;
  refuse('prevalidation', feature, c.start, `${what} ${opcode}`.trim(), {
    opcode,
    ...(funcIndex === undefined ? {} : { funcIndex }),
  });
}
