// A br_table wasmtime compiles but V8 does not (more than V8's 65,520 targets, at most
// wasmparser's 131,072; impl-limits.ts), rewritten into several br_tables V8 takes, with
// exactly the original's semantics.
//
//   br_table t_0 … t_{n-1} d            ;; index i on the stack
// becomes, with C = CHUNK, k = ⌈n / C⌉ - 1 and a scratch i32 global T:
//   global.set T
//   block  global.get T              br_table (t_0+1 … t_{C-1}+1)        0  end
//   block  global.get T  i32.const C  i32.sub  br_table (t_C+1 … t_{2C-1}+1) 0  end
//   …
//   global.get T  i32.const kC  i32.sub  br_table t_{kC} … t_{n-1} d
// An index below jC has branched in an earlier chunk, so chunk j only sees i ≥ jC and its
// unsigned `i - jC` selects the same target; an index past the end falls through every chunk
// and takes d. Inside a chunk's block every label is one deeper, hence the +1; the block's
// own label (0) is the fall-through. No call happens between `global.set T` and the last
// `global.get T`, so one global serves every function. The stack limiter's costs are those of
// the original body (computed before the rewrite), and no NaN-producing operation is added.
//
// When the labels carry a value v of type T (MVP: at most one), v lies below the index. It is
// kept in a scratch global V of type T, and each chunk's block has result type T so that its
// fall-through carries v like every other target (br_table needs equal arities); the block's
// result is dropped before the next chunk, which reads v again:
//   global.set T  global.set V
//   block (result T)  global.get V  global.get T  br_table (t_0+1 … t_{C-1}+1) 0  end  drop
//   …
//   global.get V  global.get T  i32.const kC  i32.sub  br_table t_{kC} … t_{n-1} d
// Globals keep a float's bits exactly, so a NaN payload passes unchanged.
import { InstructionCursor } from '../wasm/instructions.js';
import { Reader } from '../wasm/reader.js';
import type { Writer } from '../wasm/writer.js';
import { V8_MAX_BR_TABLE } from './impl-limits.js';

/** The site kind analyze.ts records for such a br_table whose labels carry no value. */
export const BIG_BR_TABLE = -3;
/** The site kind for one whose labels carry a value of type `t` (a value type byte). */
export const bigBrTableWithValue = (t: number): number => -(0x100 + t);
/** The site kind analyze.ts records for `ref.func f` (WASI ABIs), below every other kind. */
export const refFuncSite = (f: number): number => -0x200 - f;
/** The function of a `ref.func` site, or undefined for other sites. */
export const refFuncOf = (kind: number): number | undefined =>
  kind <= -0x200 ? -kind - 0x200 : undefined;
/** The value type byte a br_table site carries (0 for none), or undefined for other sites. */
export function brTableSiteValue(kind: number): number | undefined {
  if (kind === BIG_BR_TABLE) return 0;
  return kind <= -0x100 && kind > -0x200 ? -kind - 0x100 : undefined;
}

/** Targets per emitted br_table: V8's limit. */
const CHUNK = V8_MAX_BR_TABLE;

/**
 * Writes the replacement of the br_table instruction at `bytes[start, end)` (opcode included).
 * `scratch` is the index of a mutable i32 global; `value`, when the labels carry a value, its
 * type byte and the index of a mutable global of that type.
 */
export function writeSplitBrTable(
  w: Writer,
  bytes: Uint8Array,
  start: number,
  end: number,
  scratch: number,
  value?: { readonly type: number; readonly global: number },
): void {
  const r = new Reader(bytes, start + 1, end);
  const n = r.u32();
  const targets = new Uint32Array(n);
  for (let k = 0; k < n; k++) targets[k] = r.u32();
  const fallback = r.u32();
  w.u8(0x24); // global.set T
  w.u32(scratch);
  if (value) {
    w.u8(0x24); // global.set V
    w.u32(value.global);
  }
  const last = Math.ceil(n / CHUNK) - 1;
  for (let j = 0; j <= last; j++) {
    const from = j * CHUNK;
    const to = Math.min(n, from + CHUNK);
    const inner = j < last;
    if (inner) w.bytes(Uint8Array.of(0x02, value ? value.type : 0x40)); // block (result T?)
    if (value) {
      w.u8(0x23); // global.get V
      w.u32(value.global);
    }
    w.u8(0x23); // global.get T
    w.u32(scratch);
    if (from > 0) {
      w.u8(0x41); // i32.const from
      w.i32(from);
      w.u8(0x6b); // i32.sub
    }
    w.u8(0x0e);
    w.u32(to - from);
    for (let k = from; k < to; k++) w.u32(inner ? targets[k]! + 1 : targets[k]!);
    w.u32(inner ? 0 : fallback);
    if (inner) w.u8(0x0b); // end
    if (inner && value) w.u8(0x1a); // drop
  }
}

/**
 * The value type byte a branch to label `rel` carries at `bytes[at]` inside the function body
 * `bytes[codeStart, bodyEnd)` (0 for none), found by walking the enclosing blocks. MVP only (after
 * gating): a block or if carries its result, a loop nothing, the function frame its result.
 */
export function labelValueType(
  bytes: Uint8Array,
  codeStart: number,
  bodyEnd: number,
  at: number,
  rel: number,
  funcResult: number,
): number | undefined {
  const frames = [funcResult];
  const c = new InstructionCursor(bytes);
  c.reset(codeStart, bodyEnd);
  while (c.next() && c.start < at) {
    if (c.op === 0x02 || c.op === 0x04) frames.push(c.a === -64 ? 0 : 0x80 + c.a);
    else if (c.op === 0x03) frames.push(0);
    else if (c.op === 0x0b) frames.pop();
  }
  return frames[frames.length - 1 - rel];
}
