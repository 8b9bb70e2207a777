// The prepare-time rewrite that makes a module behave like the reference's compiled artifact:
// wasm-instrument's stack limiter (exact arithmetic, same thunks, same global), Cranelift's
// NaN canonicalization (see nan.ts) and the folding of extended constant expressions (see
// features.ts). The output is a new module binary for V8 to compile.
//
// Stack limiter, as wasm-instrument 0.4.0 `inject_stack_limiter` does it (paritytech/
// wasm-instrument src/stack_limiter/mod.rs, thunk.rs @e882111f):
// - one new global `(mut i32) (i32.const 0)` appended to the global section. The code refers
//   to it by its position among the module's *defined* globals (`gs.entries().len() - 1`, or
//   0 when a new global section is created), not counting imported globals; we reproduce that
//   index, so a module that imports globals sees the same (aliasing) global as the reference.
// - every `call f` to a defined function (cost > 0; imports cost 0 and are left alone) becomes
//     global.get G  i32.const cost(f)  i32.add  global.set G
//     global.get G  i32.const LIMIT  i32.gt_u  if  unreachable  end
//     call f
//     global.get G  i32.const cost(f)  i32.sub  global.set G
//   so the trap fires when the counter would exceed LIMIT (`StackLogicalMax`, 65536 by
//   default), before the callee's frame exists. `call_indirect` is not instrumented.
// - a thunk per distinct defined function that is exported, in an element segment, or the
//   start function: same signature, body `local.get 0..n-1` + the instrumented call above with
//   cost(f) (the thunk's own frame is not charged in 0.4.0) + `end`. Thunks are appended after
//   all functions in ascending order of the original index (thunk.rs uses a BTreeMap: its
//   `cfg(features = "std")` typo means the HashMap is never chosen), and exports, element
//   segments and the start section are redirected to them. Direct calls keep the original.
// Costs are computed on the original bodies (stack-cost.ts); nothing added here changes them.
import { readLocals } from '../wasm/body.js';
import { InstructionCursor } from '../wasm/instructions.js';
import { Reader } from '../wasm/reader.js';
import type { ConstExpr, WasmModule } from '../wasm/types.js';
import { SectionId } from '../wasm/types.js';
import { Writer } from '../wasm/writer.js';
import { canonicalizeSequence, NAN_RESULT } from './nan.js';
import { functionTypeIndices } from './stack-cost.js';

export interface InstrumentOptions {
  /** `StackLogicalMax`: the logical stack limit (default 65536). */
  readonly logicalMax: number;
  /** Canonicalize NaN results as Cranelift does (always on for consensus; off only to measure). */
  readonly canonicalizeNans: boolean;
}

export interface Instrumented {
  readonly bytes: Uint8Array;
  readonly thunks: number;
  readonly instrumentedCalls: number;
  readonly canonicalizedOps: number;
  /** The global index the instrumentation reads and writes (the reference's index). */
  readonly counterGlobal: number;
}

// V8 refuses functions with more locals than this (kV8MaxWasmFunctionLocals).
const MAX_LOCALS = 50000;
const enc = new TextEncoder();

export function instrumentModule(
  m: WasmModule,
  costs: Uint32Array,
  opts: InstrumentOptions,
): Instrumented {
  const bytes = m.bytes;
  const typeOf = functionTypeIndices(m);
  const importedFuncs = typeOf.length - m.functions.length;
  const importedGlobals = m.imports.filter((i) => i.kind === 'global').length;
  const counter = m.globals.length; // wasm-instrument's index (see above)

  // Thunk targets: exported, table and start functions with a non-zero cost, ascending.
  const targets = new Set<number>();
  for (const e of m.exports) if (e.kind === 'func') targets.add(e.index);
  for (const s of m.elements) s.functions?.forEach((f) => targets.add(f));
  if (m.start !== undefined) targets.add(m.start);
  const thunkOf = new Map<number, number>();
  let next = typeOf.length;
  for (const f of [...targets].sort((a, b) => a - b))
    if ((costs[f] ?? 0) > 0) thunkOf.set(f, next++);
  const fix = (f: number): number => thunkOf.get(f) ?? f;

  const calls = new CallSequences(counter, opts.logicalMax);
  const code = new CodeRewriter(
    m,
    typeOf,
    costs,
    calls,
    opts.canonicalizeNans,
    importedGlobals + m.globals.length + 1,
  );
  const codeSection = code.section(thunkOf);

  const out = new Writer(bytes.length + (bytes.length >> 3) + 1024);
  out.range(bytes, 0, 8);
  let globalsDone = false;
  const emitGlobals = (): void => {
    globalsDone = true;
    out.section(SectionId.Global, (w) => {
      w.u32(m.globals.length + 1 + code.scratchGlobals.length);
      for (const g of m.globals) {
        w.range(bytes, g.init.start - 2, g.init.start); // value type and mutability
        constExpr(w, bytes, g.init);
      }
      w.bytes(Uint8Array.of(0x7f, 0x01, 0x41, 0x00, 0x0b)); // (mut i32) (i32.const 0)
      for (const t of code.scratchGlobals)
        w.bytes(
          Uint8Array.of(
            t,
            0x01,
            ...(t === 0x7d ? [0x43, 0, 0, 0, 0] : [0x44, 0, 0, 0, 0, 0, 0, 0, 0]),
            0x0b,
          ),
        );
    });
  };
  for (const s of m.sections) {
    if (!globalsDone && s.id !== SectionId.Custom && GLOBAL_BEFORE.has(s.id)) emitGlobals();
    switch (s.id) {
      case SectionId.Function:
        out.section(s.id, (w) => {
          w.u32(typeOf.length - importedFuncs + thunkOf.size);
          for (const t of m.functions) w.u32(t);
          for (const f of thunkOf.keys()) w.u32(typeOf[f]!);
        });
        break;
      case SectionId.Global:
        emitGlobals();
        break;
      case SectionId.Export:
        out.section(s.id, (w) => {
          w.u32(m.exports.length);
          for (const e of m.exports) {
            const name = enc.encode(e.name);
            w.u32(name.length);
            w.bytes(name);
            w.u8(KIND[e.kind]!);
            w.u32(e.kind === 'func' ? fix(e.index) : e.index);
          }
        });
        break;
      case SectionId.Start:
        out.section(s.id, (w) => w.u32(fix(m.start!)));
        break;
      case SectionId.Element: // MVP layout only (features.ts refuses the others)
        out.section(s.id, (w) => {
          w.u32(m.elements.length);
          for (const e of m.elements) {
            w.u32(e.table);
            constExpr(w, bytes, e.offset!);
            w.u32(e.functions!.length);
            for (const f of e.functions!) w.u32(fix(f));
          }
        });
        break;
      case SectionId.Code:
        out.bytes(codeSection);
        break;
      case SectionId.Data:
        out.section(s.id, (w) => {
          w.u32(m.data.length);
          for (const d of m.data) {
            w.u32(d.memory);
            constExpr(w, bytes, d.offset!);
            w.range(bytes, d.offset!.end, d.end); // length and payload
          }
        });
        break;
      default:
        out.range(bytes, s.start, s.end);
    }
  }
  if (!globalsDone) emitGlobals();
  return {
    bytes: out.finish(),
    thunks: thunkOf.size,
    instrumentedCalls: code.instrumentedCalls,
    canonicalizedOps: code.canonicalizedOps,
    counterGlobal: counter,
  };
}

// Sections that follow the global section: a module without one gets it before the first.
const GLOBAL_BEFORE = new Set<number>([
  SectionId.Export,
  SectionId.Start,
  SectionId.Element,
  SectionId.DataCount,
  SectionId.Code,
  SectionId.Data,
]);
const KIND: Record<string, number> = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };

/** The pre- and postamble around an instrumented call, cached per cost. */
class CallSequences {
  private readonly cache = new Map<number, readonly [Uint8Array, Uint8Array]>();
  constructor(
    private readonly global: number,
    private readonly limit: number,
  ) {}

  get(cost: number): readonly [Uint8Array, Uint8Array] {
    let seq = this.cache.get(cost);
    if (seq === undefined) {
      const g = this.global;
      const pre = new Writer(32);
      counterAdd(pre, g, cost, 0x6a);
      pre.u8(0x23);
      pre.u32(g);
      pre.u8(0x41);
      pre.i32(this.limit);
      pre.u8(0x4b); // i32.gt_u
      pre.bytes(Uint8Array.of(0x04, 0x40, 0x00, 0x0b)); // if (empty) unreachable end
      const post = new Writer(16);
      counterAdd(post, g, cost, 0x6b);
      seq = [pre.finish(), post.finish()];
      this.cache.set(cost, seq);
    }
    return seq;
  }
}

/** `global.get g  i32.const cost  <op>  global.set g` with op i32.add (0x6a) or i32.sub (0x6b). */
function counterAdd(w: Writer, g: number, cost: number, op: number): void {
  w.u8(0x23);
  w.u32(g);
  w.u8(0x41);
  w.i32(cost);
  w.u8(op);
  w.u8(0x24);
  w.u32(g);
}

/** Rewrites the code section: instrumented calls, NaN canonicalization, then the thunks. */
class CodeRewriter {
  instrumentedCalls = 0;
  canonicalizedOps = 0;
  /** Value types of scratch globals added for functions at V8's local limit (0x7d f32, 0x7c f64). */
  readonly scratchGlobals: number[] = [];
  private readonly cursor: InstructionCursor;
  private readonly body = new Writer(1 << 16);

  constructor(
    private readonly m: WasmModule,
    private readonly typeOf: Uint32Array,
    private readonly costs: Uint32Array,
    private readonly calls: CallSequences,
    private readonly nans: boolean,
    private readonly firstScratchGlobal: number,
  ) {
    this.cursor = new InstructionCursor(m.bytes);
  }

  section(thunkOf: Map<number, number>): Uint8Array {
    const m = this.m;
    const w = new Writer(m.bytes.length + (m.bytes.length >> 3));
    w.section(SectionId.Code, (w) => {
      w.u32(m.code.length + thunkOf.size);
      const imported = this.typeOf.length - m.code.length;
      for (let k = 0; k < m.code.length; k++) this.function(w, k, imported + k);
      for (const f of thunkOf.keys()) this.thunk(w, f);
    });
    return w.finish();
  }

  private function(w: Writer, k: number, funcIndex: number): void {
    const { bytes, code } = this.m;
    const body = code[k]!;
    const { codeStart, localCount } = readLocals(bytes, body);
    const params = this.m.types[this.typeOf[funcIndex]!]!.params.length;
    const viaGlobals = params + localCount + 2 > MAX_LOCALS;
    const scratch = [
      0,
      viaGlobals ? this.scratchGlobal(0x7d) : params + localCount,
      viaGlobals ? this.scratchGlobal(0x7c) : params + localCount + 1,
    ];
    const b = this.body;
    b.pos = 0;
    let from = codeStart;
    let usesFloats = false;
    const c = this.cursor.reset(codeStart, body.end);
    while (c.next()) {
      const op = c.op;
      if (op === 0x10) {
        const cost = this.costs[c.a] ?? 0;
        if (cost === 0) continue;
        const [pre, post] = this.calls.get(cost);
        b.range(bytes, from, c.start);
        b.bytes(pre);
        b.range(bytes, c.start, c.pos);
        b.bytes(post);
        from = c.pos;
        this.instrumentedCalls++;
      } else if (this.nans && op < 0x100 && NAN_RESULT[op]) {
        const kind = NAN_RESULT[op] as 1 | 2;
        b.range(bytes, from, c.pos);
        b.bytes(canonicalizeSequence(kind, scratch[kind]!, viaGlobals));
        from = c.pos;
        usesFloats = true;
        this.canonicalizedOps++;
      }
    }
    b.range(bytes, from, body.end);

    const at = w.beginSized();
    if (usesFloats && !viaGlobals) {
      const r = new Reader(bytes, body.start, codeStart);
      const groups = r.u32();
      w.u32(groups + 2);
      w.range(bytes, r.pos, codeStart);
      w.bytes(Uint8Array.of(0x01, 0x7d, 0x01, 0x7c)); // one f32 and one f64 scratch local
    } else w.range(bytes, body.start, codeStart);
    w.bytes(b.view());
    w.endSized(at);
  }

  private scratchGlobal(type: number): number {
    let k = this.scratchGlobals.indexOf(type);
    if (k < 0) k = this.scratchGlobals.push(type) - 1;
    return this.firstScratchGlobal + k;
  }

  private thunk(w: Writer, f: number): void {
    const params = this.m.types[this.typeOf[f]!]!.params.length;
    const [pre, post] = this.calls.get(this.costs[f]!);
    const at = w.beginSized();
    w.u8(0); // no locals
    for (let p = 0; p < params; p++) {
      w.u8(0x20); // local.get p
      w.u32(p);
    }
    w.bytes(pre);
    w.u8(0x10); // call f
    w.u32(f);
    w.bytes(post);
    w.u8(0x0b);
    w.endSized(at);
  }
}

/**
 * Writes a constant expression, folding extended-const arithmetic (`i32/i64.add/sub/mul` over
 * constants, accepted by the reference's wasmtime but not by V8) into a single constant.
 * Anything else is copied as it is and left to V8's validation.
 */
function constExpr(w: Writer, bytes: Uint8Array, e: ConstExpr): void {
  if (e.value.kind !== 'expression') return w.range(bytes, e.start, e.end);
  const folded = fold(bytes, e);
  if (folded === undefined) return w.range(bytes, e.start, e.end);
  if (folded.type === 'i32') {
    w.u8(0x41);
    w.i32(Number(folded.value));
  } else {
    w.u8(0x42);
    w.i64(folded.value);
  }
  w.u8(0x0b);
}

function fold(bytes: Uint8Array, e: ConstExpr): { type: 'i32' | 'i64'; value: bigint } | undefined {
  const c = new InstructionCursor(bytes, e.start, e.end);
  const stack: { type: 'i32' | 'i64'; value: bigint }[] = [];
  while (c.next()) {
    const op = c.op;
    if (op === 0x0b) break;
    if (op === 0x41) stack.push({ type: 'i32', value: BigInt(c.a) });
    else if (op === 0x42) stack.push({ type: 'i64', value: c.i64() });
    else if ((op >= 0x6a && op <= 0x6c) || (op >= 0x7c && op <= 0x7e)) {
      const type = op <= 0x6c ? 'i32' : 'i64';
      const y = stack.pop();
      const x = stack.pop();
      if (x?.type !== type || y?.type !== type) return undefined;
      const r = [x.value + y.value, x.value - y.value, x.value * y.value][
        op - (type === 'i32' ? 0x6a : 0x7c)
      ]!;
      stack.push({ type, value: type === 'i32' ? BigInt.asIntN(32, r) : BigInt.asIntN(64, r) });
    } else return undefined;
  }
  return stack.length === 1 ? stack[0] : undefined;
}
