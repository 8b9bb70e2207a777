// The parts of the rewrite (instrument.ts) only the WASI ABIs need (wasi-features.ts): their
// segment layouts, `ref.func` pointed at the stack limiter's thunks, and the table cap.
import { Reader } from '../wasm/reader.js';
import type { WasmModule } from '../wasm/types.js';
import type { Writer } from '../wasm/writer.js';
import { constExpr } from './const-fold.js';
import { WASI_MAX_TABLE_ELEMENTS } from './wasi-features.js';

const REF_TYPE: Record<string, number> = { funcref: 0x70, externref: 0x6f };

/** The function of a constant expression that is exactly `ref.func f`, else undefined. */
export function refFuncIn(
  bytes: Uint8Array,
  e: { start: number; end: number },
): number | undefined {
  if (bytes[e.start] !== 0xd2) return undefined;
  const r = new Reader(bytes, e.start + 1, e.end);
  const f = r.u32();
  return r.pos === e.end - 1 ? f : undefined;
}

/** Writes `ref.func fix(f)` for an expression that is `ref.func f`; false for any other. */
export function writeRefFunc(
  w: Writer,
  bytes: Uint8Array,
  e: { start: number; end: number },
  fix: (f: number) => number,
): boolean {
  const f = refFuncIn(bytes, e);
  if (f === undefined) return false;
  w.u8(0xd2);
  w.u32(fix(f));
  w.u8(0x0b);
  return true;
}

/** WASI ABIs: each defined table with its maximum at most {@link WASI_MAX_TABLE_ELEMENTS}. */
export function writeCappedTables(w: Writer, m: WasmModule): void {
  w.u32(m.tables.length);
  for (const t of m.tables) {
    w.u8(REF_TYPE[t.element]!);
    w.u8(0x01); // both bounds; the initial size was checked against the cap (wasi-features.ts)
    w.u32(t.limits.min);
    w.u32(Math.min(t.limits.max ?? WASI_MAX_TABLE_ELEMENTS, WASI_MAX_TABLE_ELEMENTS));
  }
}

/** WASI ABIs: every element segment layout (§5.5.12), function references made thunks. */
export function writeElements(w: Writer, m: WasmModule, fix: (f: number) => number): void {
  const bytes = m.bytes;
  w.u32(m.elements.length);
  for (const e of m.elements) {
    w.u32(e.flags);
    if (e.flags & 2 && !(e.flags & 1)) w.u32(e.table);
    if (e.offset) constExpr(w, bytes, e.offset);
    if (e.flags & 3) w.u8(e.flags & 4 ? REF_TYPE[e.element]! : 0x00);
    if (e.functions) {
      w.u32(e.functions.length);
      for (const f of e.functions) w.u32(fix(f));
    } else {
      const items = e.expressions ?? [];
      w.u32(items.length);
      for (const x of items) if (!writeRefFunc(w, bytes, x, fix)) w.range(bytes, x.start, x.end);
    }
  }
}
