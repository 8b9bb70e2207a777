// The feature policy of the WASI ABIs (`wasi-p1` core modules and every core module of a
// `component`). Unlike the Substrate ABI's gate (features.ts), which mirrors the reference's
// prevalidation and is consensus, this policy is our own: no Polkadot validator runs WASI
// PVFs, so it is chosen for what real toolchains emit and for determinism alone.
//
// Accepted, because each is fully specified and the engine's rewrite covers it:
//   sign-extension, saturating-float-to-int   pure integer results (no NaN can come out);
//   bulk-memory                               memory.copy/fill/init, data.drop, table.copy/init,
//                                             elem.drop, passive segments, the data count
//                                             section: bounds are checked for the whole range
//                                             before anything is written (a trap leaves memory
//                                             and tables untouched, Core Specification 2.0
//                                             §4.4.7/§4.4.6), copies behave as memmove;
//   reference-types                           several tables, funcref/externref values, the
//                                             table instructions, multi-byte call_indirect
//                                             table indices; tables are capped at
//                                             {@link WASI_MAX_TABLE_ELEMENTS} (instrument.ts), as
//                                             memories are, so `table.grow` fails at the same
//                                             size everywhere; every `ref.func` is redirected
//                                             to the stack limiter's thunk, so an indirect call
//                                             is always charged;
//   multi-value                               blocks and functions with several results or
//                                             with parameters (stack-cost.ts);
//   mutable globals, extended-const           MVP syntax / folded to constants (const-fold.ts).
// None of the accepted instructions computes a float, so NaN canonicalization (nan.ts) keeps
// exactly the sites it has for MVP code.
//
// Refused, naming the feature, the function and the byte offset: simd and relaxed-simd (see
// the README, "Writing a WASI PVF"), threads (shared memories, atomics), memory64,
// exceptions (both encodings), tail calls (a `return_call` would leave the caller's charge
// on the stack limiter), multi-memory and GC (which our reader does not parse: recognised
// from the bytes where parsing stopped, see {@link gcRefusal}).
import type { InstructionCursor } from '../wasm/instructions.js';
import { Feature, FEATURE_NAMES, type FeatureName, opcodeName } from '../wasm/opcodes.js';
import type { WasmParseError } from '../wasm/reader.js';
import type { FunctionBody, Limits, SectionRange, ValType, WasmModule } from '../wasm/types.js';
import { SectionId } from '../wasm/types.js';
import { type FeatureRefusal, Refused } from './features.js';

/** The most elements a WASI PVF's table may ever hold (8 MiB of references in V8). */
export const WASI_MAX_TABLE_ELEMENTS = 1 << 20;

/** The proposals the WASI ABIs accept beyond the MVP. */
export const WASI_ACCEPTED_FEATURES: readonly FeatureName[] = [
  'sign-extension',
  'saturating-float-to-int',
  'bulk-memory',
  'reference-types',
  'multi-value',
  'extended-const',
];

const ACCEPTED = new Uint8Array(FEATURE_NAMES.length);
ACCEPTED[Feature.Mvp] = 1;
for (const f of WASI_ACCEPTED_FEATURES) ACCEPTED[FEATURE_NAMES.indexOf(f)] = 1;

const VALUE_TYPES = new Set<ValType>(['i32', 'i64', 'f32', 'f64', 'funcref', 'externref']);

function refuse(
  feature: FeatureName | 'gc',
  offset: number,
  what: string,
  extra: { opcode?: string; funcIndex?: number } = {},
): never {
  const where = extra.funcIndex === undefined ? '' : ` in function ${extra.funcIndex}`;
  throw new Refused({
    kind: 'refused',
    stage: 'prevalidation',
    feature,
    ...extra,
    offset,
    message: `WASI PVFs may not use ${feature}: ${what}${where} (at byte ${offset})`,
  });
}

function valueType(t: ValType, at: number, what: string, funcIndex?: number): void {
  if (VALUE_TYPES.has(t)) return;
  const feature = t === 'v128' ? 'simd' : t === 'exnref' ? 'exceptions-exnref' : 'gc';
  refuse(feature, at, `${what} has type ${t}`, funcIndex === undefined ? {} : { funcIndex });
}

function limits(l: Limits, at: number, what: string): void {
  if (l.index64) refuse('memory64', at, `${what} has 64-bit limits`);
  if (l.shared) refuse('threads', at, `${what} is shared`);
}

function table(t: { element: ValType; limits: Limits }, at: number, what: string): void {
  valueType(t.element, at, `${what}'s element`);
  limits(t.limits, at, what);
}

/**
 * The policy for one section other than the code section.
 * @throws {Refused} at the section's first refused construct.
 */
export function gateSectionWasi(m: WasmModule, s: SectionRange, cursor: InstructionCursor): void {
  switch (s.id) {
    case SectionId.Type:
      m.types.forEach((t, k) => {
        for (const v of [...t.params, ...t.results]) valueType(v, s.start, `type ${k}`);
      });
      break;
    case SectionId.Import:
      for (const i of m.imports) {
        const what = `import ${i.module}.${i.name}`;
        if (i.kind === 'tag') refuse('exceptions', s.start, `${what} is a tag`);
        if (i.kind === 'table') table(i.table, s.start, what);
        if (i.kind === 'memory') limits(i.limits, s.start, what);
        if (i.kind === 'global') valueType(i.global.type, s.start, what);
      }
      break;
    case SectionId.Table:
      m.tables.forEach((t, k) => {
        table(t, s.start, `table ${k}`);
        if (t.limits.min > WASI_MAX_TABLE_ELEMENTS)
          throw new Refused({
            kind: 'refused',
            stage: 'preparation',
            feature: 'reference-types',
            offset: s.start,
            message: `table ${k} starts with ${t.limits.min} elements, more than the ${WASI_MAX_TABLE_ELEMENTS} a WASI PVF's table may hold`,
          });
      });
      break;
    case SectionId.Memory:
      m.memories.forEach((l, k) => limits(l, s.start, `memory ${k}`));
      break;
    case SectionId.Tag:
      refuse('exceptions', s.start, 'tag section');
      break;
    case SectionId.Global:
      m.globals.forEach((g, k) => {
        valueType(g.type, s.start, `global ${k}`);
        constExpr(cursor, g.init.start, g.init.end);
      });
      break;
    case SectionId.Export:
      for (const e of m.exports)
        if (e.kind === 'tag') refuse('exceptions', s.start, `export ${e.name} is a tag`);
      break;
    case SectionId.Element:
      for (const e of m.elements) {
        valueType(e.element, e.start, 'element segment');
        if (e.offset) constExpr(cursor, e.offset.start, e.offset.end);
        for (const x of e.expressions ?? []) constExpr(cursor, x.start, x.end);
      }
      break;
    case SectionId.Data:
      for (const d of m.data) {
        if (d.memory !== 0) refuse('multi-memory', d.start, `data segment for memory ${d.memory}`);
        if (d.offset) constExpr(cursor, d.offset.start, d.offset.end);
      }
      break;
  }
}

/** More than one memory (multi-memory) is refused; several tables are reference types. */
export function gateCompilationWasi(m: WasmModule): FeatureRefusal | undefined {
  const memories = m.memories.length + m.imports.filter((i) => i.kind === 'memory').length;
  if (memories <= 1) return undefined;
  return {
    kind: 'refused',
    stage: 'prevalidation',
    feature: 'multi-memory',
    offset: 0,
    message: `WASI PVFs may not use multi-memory: ${memories} memories (at byte 0)`,
  };
}

function constExpr(cursor: InstructionCursor, start: number, end: number): void {
  cursor.reset(start, end);
  while (cursor.next()) gateInstructionWasi(cursor, undefined);
}

/** The `readLocals` callback that refuses a local of a refused type in `body`. */
export function localsGateWasi(
  body: FunctionBody,
  funcIndex: number,
): (count: number, type: ValType) => void {
  return (_count, type) => valueType(type, body.start, 'a local', funcIndex);
}

/**
 * Refuses the cursor's current instruction unless its proposal is accepted.
 * @throws {Refused}
 */
export function gateInstructionWasi(c: InstructionCursor, funcIndex: number | undefined): void {
  let feature: Feature = c.feature;
  // A memarg announcing a memory index (bit 6) is multi-memory even when the index is 0.
  if (feature === Feature.Mvp && c.op >= 0x28 && c.op <= 0x3e && c.r.bytes[c.immStart]! & 0x40)
    feature = Feature.MultiMemory;
  if (ACCEPTED[feature]) return;
  const opcode = opcodeName(c.op) ?? `0x${c.op.toString(16)}`;
  refuse(FEATURE_NAMES[feature]!, c.start, `instruction ${opcode}`, {
    opcode,
    ...(funcIndex === undefined ? {} : { funcIndex }),
  });
}

// GC-proposal encodings our reader stops at: type forms (rec, sub, sub final, struct, array),
// reference types with a heap type (ref, ref null) and the abstract heap types, and the 0xFB
// instruction prefix plus the typed-function-reference opcodes.
const GC_TYPE_BYTES = new Set([
  0x4e, 0x4f, 0x50, 0x5e, 0x5f, 0x63, 0x64, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x71, 0x72, 0x73,
]);
const GC_OPCODES = new Set([0x14, 0x15, 0xd3, 0xd4, 0xd5, 0xd6, 0xfb]);

/**
 * The refusal naming GC when the reader stopped at a GC-proposal encoding, else undefined
 * (the module is malformed, or uses something no proposal V8 reads defines).
 */
export function gcRefusal(bytes: Uint8Array, err: WasmParseError): FeatureRefusal | undefined {
  const b = bytes[err.offset];
  if (b === undefined) return undefined;
  const type = /^(unknown value type|expected a function type|expected a reference type)/;
  const op = /^unknown opcode/;
  const plain = err.message.replace(/ \(at byte \d+\)$/, '');
  if (!(type.test(plain) && GC_TYPE_BYTES.has(b)) && !(op.test(plain) && GC_OPCODES.has(b)))
    return undefined;
  return {
    kind: 'refused',
    stage: 'prevalidation',
    feature: 'gc',
    offset: err.offset,
    message: `WASI PVFs may not use gc: byte 0x${b.toString(16)} (at byte ${err.offset})`,
  };
}
