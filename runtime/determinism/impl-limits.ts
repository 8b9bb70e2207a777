// Implementation limits: where wasmtime (its validator, wasmparser) and V8 count differently,
// decide as the reference does. wasmtime 36 validates with wasmparser 0.236, whose limits are
// those of docs.rs wasmparser 0.233.0 src/limits.rs (the newest release the index holds before
// 0.236; the file is the same through 0.236). V8's numbers were measured on Node 20.20, 22.23
// and 24.22 (test/runtime/determinism/impl-limits.test.ts checks them at limit and limit + 1
// under whichever Node runs it; README "Implementation limits"):
//
//   limit                       wasmparser   V8 (20 / 22 / 24)         here
//   br_table targets            131,072      65,520                    split for V8 (br-table.ts)
//   element segments            100,000      10,000,000                refuse above 100,000
//   table initial size          10,000,000   unchecked / unchecked / 10 M  refuse above 10 M
//   name bytes (import, export, 100,000      unchecked                 refuse above 100,000
//     custom section)
//   imports, exports            1,000,000    100,000 / 100,000 / 1 M   V8's refusal: abstain
//   function body bytes         unchecked    7,654,321                 V8's refusal: abstain
//   data segments, types, functions, globals, locals (params included), params, results:
//                               equal on both sides (100 k, 1 M, 1 M, 1 M, 50 k, 1 k, 1 k):
//                               V8's own refusal is the reference's preparation error.
//
// A refusal wasmparser makes is a preparation error (wasmtime refuses to compile) and is
// deterministic. Where only V8 refuses, the reference accepts code we cannot run: the outcome
// must not be a vote, so {@link v8OnlyExcess} names it and the engine reports a
// non-deterministic error instead of a preparation error.
import type { WasmModule } from '../wasm/types.js';

/** wasmparser 0.233-0.236 `MAX_WASM_BR_TABLE_SIZE` (= `MAX_WASM_FUNCTION_SIZE`, 128 KiB). */
export const WASMPARSER_MAX_BR_TABLE = 128 * 1024;
/** The most br_table targets V8 compiles (measured: 65,520 on Node 20, 22 and 24). */
export const V8_MAX_BR_TABLE = 65520;
/** wasmparser `MAX_WASM_ELEMENT_SEGMENTS` (V8: 10,000,000). */
export const WASMPARSER_MAX_ELEMENT_SEGMENTS = 100_000;
/** wasmparser `MAX_WASM_TABLE_ENTRIES`, the largest initial table size. */
export const WASMPARSER_MAX_TABLE_ENTRIES = 10_000_000;
/** wasmparser `MAX_WASM_STRING_SIZE`, in bytes. */
export const WASMPARSER_MAX_STRING_SIZE = 100_000;
/** V8 `kV8MaxWasmImports` / `kV8MaxWasmExports` before V8 13 (Node 20, 22). */
export const V8_OLD_MAX_IMPORTS_EXPORTS = 100_000;
/** V8 `kV8MaxWasmFunctionSize`, in bytes (wasmparser does not limit body size). */
export const V8_MAX_FUNCTION_SIZE = 7_654_321;

const enc = new TextEncoder();

/**
 * What wasmparser refuses and V8 may accept, as the refusal message, or undefined. Checked
 * in wasmparser's order: imports, tables, exports, elements (module order), custom section
 * names wherever they are.
 */
export function wasmparserLimitRefusal(m: WasmModule): string | undefined {
  const long = (what: string, s: string): string | undefined =>
    enc.encode(s).length > WASMPARSER_MAX_STRING_SIZE
      ? `${what} name is longer than ${WASMPARSER_MAX_STRING_SIZE} bytes (wasmparser MAX_WASM_STRING_SIZE)`
      : undefined;
  for (const i of m.imports) {
    const bad = long('an import module', i.module) ?? long('an import', i.name);
    if (bad) return bad;
    if (i.kind === 'table' && i.table.limits.min > WASMPARSER_MAX_TABLE_ENTRIES)
      return tableTooLarge(i.table.limits.min);
  }
  for (const t of m.tables)
    if (t.limits.min > WASMPARSER_MAX_TABLE_ENTRIES) return tableTooLarge(t.limits.min);
  for (const e of m.exports) {
    const bad = long('an export', e.name);
    if (bad) return bad;
  }
  if (m.elements.length > WASMPARSER_MAX_ELEMENT_SEGMENTS)
    return `element segments count of ${m.elements.length} exceeds ${WASMPARSER_MAX_ELEMENT_SEGMENTS} (wasmparser MAX_WASM_ELEMENT_SEGMENTS)`;
  for (const c of m.customSections) {
    const bad = long('a custom section', c.name);
    if (bad) return bad;
  }
  return undefined;
}

const tableTooLarge = (min: number) =>
  `minimum table size ${min} is out of bounds (wasmparser MAX_WASM_TABLE_ENTRIES ${WASMPARSER_MAX_TABLE_ENTRIES})`;

/**
 * Why V8 may refuse this module although wasmtime compiles it (a V8-only limit), or undefined.
 * Consulted only after V8 refused: then the refusal says nothing the reference would say.
 */
export function v8OnlyExcess(m: WasmModule): string | undefined {
  if (m.imports.length > V8_OLD_MAX_IMPORTS_EXPORTS)
    return `${m.imports.length} imports (V8 before 13 takes ${V8_OLD_MAX_IMPORTS_EXPORTS}, wasmtime 1,000,000)`;
  if (m.exports.length > V8_OLD_MAX_IMPORTS_EXPORTS)
    return `${m.exports.length} exports (V8 before 13 takes ${V8_OLD_MAX_IMPORTS_EXPORTS}, wasmtime 1,000,000)`;
  const big = m.code.findIndex((b) => b.end - b.start > V8_MAX_FUNCTION_SIZE);
  if (big >= 0)
    return `a function body of ${m.code[big]!.end - m.code[big]!.start} bytes (V8 takes ${V8_MAX_FUNCTION_SIZE}; wasmtime has no limit)`;
  return undefined;
}
