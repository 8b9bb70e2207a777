// (One writer for every section the determinism step rewrites, kept together so
// that section order and index bookkeeping are read in one place; WASI-only parts: wasi-sections.ts.)
// The prepare-time rewrite that makes a module behave like the reference's compiled artifact:
// wasm-instrument's stack limiter (exact arithmetic, same thunks, same global), Cranelift's
// NaN canonicalization (see nan.ts) and the folding of extended constant expressions (see
// const-fold.ts). The output is a new module binary for V8 to compile.
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
// Costs are computed on the original bodies (stack-cost.ts, during analyze.ts's walk); nothing
// added here changes them. No function body is decoded here: the rewrite copies the bytes
// between the sites the walk recorded.
import { Reader } from '../wasm/reader.js';
import type { Export, ModuleLayout, WasmModule } from '../wasm/types.js';
import { SectionId } from '../wasm/types.js';
import { spliceSections, type SectionEdit } from '../wasm/splice.js';
import { Writer } from '../wasm/writer.js';
import type { Analysis, FeaturePolicy, RewritePlan } from './analyze.js';
import { constExpr } from './const-fold.js';
import { brTableSiteValue, refFuncOf, writeSplitBrTable } from './br-table.js';
import { refFuncIn, writeCappedTables, writeElements, writeRefFunc } from './wasi-sections.js';
import { canonicalizeSequence } from './nan.js';
import { FAST_PATH, findMemBuiltins, type MemBuiltin } from './mem-builtins.js';

export interface InstrumentOptions {
  /** `StackLogicalMax`: the logical stack limit (default 65536). */
  readonly logicalMax: number;
  /** Canonicalize NaN results as Cranelift does (always on for consensus; off only to measure). */
  readonly canonicalizeNans: boolean;
  /**
   * `wasi`: the WASI ABIs' constructs too (wasi-features.ts): every segment layout, `ref.func`
   * (in code, element expressions and global initialisers) pointed at the callee's thunk, and
   * defined tables capped at {@link WASI_MAX_TABLE_ELEMENTS}. Default `substrate`.
   */
  readonly policy?: FeaturePolicy;
  /**
   * Fast paths for the guest's known memcpy, memmove, memset (bulk memory) and memcmp (words)
   * (mem-builtins.ts; default true). Off only to measure them and test them against the loops.
   */
  readonly memBuiltins?: boolean;
}

export interface Instrumented {
  readonly bytes: Uint8Array;
  /** Where the output's sections are and its imports, memories and exports. */
  readonly layout: ModuleLayout;
  readonly thunks: number;
  readonly instrumentedCalls: number;
  readonly canonicalizedOps: number;
  /** Functions given a fast path, by kind (mem-builtins.ts). */
  readonly memBuiltins: ReadonlyMap<number, MemBuiltin>;
  /** The global index the instrumentation reads and writes (the reference's index). */
  readonly counterGlobal: number;
}

// V8 refuses functions with more locals than this (kV8MaxWasmFunctionLocals).
const MAX_LOCALS = 50000;
const F32 = 0x7d;
const F64 = 0x7c;
const enc = new TextEncoder();

/**
 * Writes the instrumented module from `m` and its analysis (which must carry no cost error).
 * Copies every byte it does not change; the analysis located what changes.
 */
export function instrumentModule(
  m: WasmModule,
  analysis: Analysis,
  opts: InstrumentOptions,
): Instrumented {
  const bytes = m.bytes;
  const { typeOf, importedFuncs, costs } = analysis;
  const importedGlobals = m.imports.filter((i) => i.kind === 'global').length;
  const counter = m.globals.length; // wasm-instrument's index (see above)
  const wasi = opts.policy === 'wasi';

  // Thunk targets: exported, table and start functions with a non-zero cost, ascending.
  const targets = new Set<number>();
  for (const e of m.exports) if (e.kind === 'func') targets.add(e.index);
  for (const s of m.elements) s.functions?.forEach((f) => targets.add(f));
  if (m.start !== undefined) targets.add(m.start);
  if (wasi) {
    // Every function a reference can be taken of: a funcref reaching a table by `table.set`,
    // `table.grow`, `table.fill` or `table.init` is then always a thunk, which charges the
    // stack limiter for the indirect call the reference allows.
    for (const f of analysis.refFuncs) targets.add(f);
    for (const s of m.elements)
      for (const x of s.expressions ?? []) {
        const f = refFuncIn(bytes, x);
        if (f !== undefined) targets.add(f);
      }
    for (const g of m.globals) {
      const f = refFuncIn(bytes, g.init);
      if (f !== undefined) targets.add(f);
    }
  }
  const thunkOf = new Map<number, number>();
  let next = typeOf.length;
  for (const f of [...targets].sort((a, b) => a - b))
    if ((costs[f] ?? 0) > 0) thunkOf.set(f, next++);
  const fix = (f: number): number => thunkOf.get(f) ?? f;

  const memBuiltins =
    opts.memBuiltins === false
      ? new Map<number, MemBuiltin>()
      : findMemBuiltins(m, typeOf, importedFuncs);
  const code = new CodeWriter(m, analysis, new CallSequences(counter, opts.logicalMax), {
    nans: opts.canonicalizeNans,
    firstScratchGlobal: importedGlobals + m.globals.length + 1,
    memBuiltins,
  });
  const exports: Export[] = m.exports.map((e) =>
    e.kind === 'func' ? { ...e, index: fix(e.index) } : e,
  );

  const present = new Set(m.sections.map((s) => s.id));
  const edits = new Map<number, SectionEdit>();
  const edit = (id: number, body: (w: Writer) => void) => {
    if (present.has(id)) edits.set(id, body);
  };
  edit(SectionId.Function, (w) => {
    w.u32(typeOf.length - importedFuncs + thunkOf.size);
    for (const t of m.functions) w.u32(t);
    for (const f of thunkOf.keys()) w.u32(typeOf[f]!);
  });
  // Always written (added when absent): it gains the counter and the scratch globals.
  edits.set(SectionId.Global, (w) => {
    w.u32(m.globals.length + 1 + code.scratchGlobals.length);
    for (const g of m.globals) {
      w.range(bytes, g.init.start - 2, g.init.start); // value type and mutability
      if (!(wasi && writeRefFunc(w, bytes, g.init, fix))) constExpr(w, bytes, g.init);
    }
    w.bytes(Uint8Array.of(0x7f, 0x01, 0x41, 0x00, 0x0b)); // (mut i32) (i32.const 0)
    for (const t of code.scratchGlobals) w.bytes(Uint8Array.of(t, 0x01, ...ZERO[t]!, 0x0b));
  });
  edit(SectionId.Export, (w) => {
    w.u32(exports.length);
    for (const e of exports) {
      const name = enc.encode(e.name);
      w.u32(name.length);
      w.bytes(name);
      w.u8(KIND[e.kind]!);
      w.u32(e.index);
    }
  });
  edit(SectionId.Start, (w) => w.u32(fix(m.start!)));
  if (wasi) edit(SectionId.Table, (w) => writeCappedTables(w, m));
  // MVP layout only for the Substrate ABI (features.ts refuses the others).
  edit(SectionId.Element, (w) => {
    if (wasi) return writeElements(w, m, fix);
    w.u32(m.elements.length);
    for (const e of m.elements) {
      w.u32(e.table);
      constExpr(w, bytes, e.offset!);
      w.u32(e.functions!.length);
      for (const f of e.functions!) w.u32(fix(f));
    }
  });
  edit(SectionId.Code, (w) => code.write(w, thunkOf));
  edit(SectionId.Data, (w) => {
    w.u32(m.data.length);
    for (const d of m.data) {
      if (d.mode === 'passive') {
        w.range(bytes, d.start, d.end); // WASI ABIs only: copied as it is
        continue;
      }
      w.u32(d.memory); // flags 0, or 2 with memory 0 (the same segment)
      constExpr(w, bytes, d.offset!);
      w.range(bytes, d.offset!.end, d.end); // length and payload
    }
  });
  const out = spliceSections(m, edits, new Writer(bytes.length + (bytes.length >> 3) + 1024));
  const sections = out.sections;
  // A view of the writer's buffer, not a trimmed copy: nothing else writes to it, and the
  // module is compiled and dropped (a 16 MB copy saved).
  const output = out.bytes;
  return {
    bytes: output,
    layout: { bytes: output, sections, imports: m.imports, memories: m.memories, exports },
    thunks: thunkOf.size,
    instrumentedCalls: code.instrumentedCalls,
    canonicalizedOps: code.canonicalizedOps,
    memBuiltins,
    counterGlobal: counter,
  };
}

// Sections that follow the global section: a module without one gets it before the first.
const KIND: Record<string, number> = { func: 0, table: 1, memory: 2, global: 3, tag: 4 };
const I32 = 0x7f;
/** The zero constant of each scratch global's type. */
const ZERO: Record<number, number[]> = {
  [I32]: [0x41, 0],
  [0x7e]: [0x42, 0],
  [F32]: [0x43, 0, 0, 0, 0],
  [F64]: [0x44, 0, 0, 0, 0, 0, 0, 0, 0],
};

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

/** Writes the code section's content: instrumented calls, NaN canonicalization, the thunks. */
class CodeWriter {
  instrumentedCalls = 0;
  canonicalizedOps = 0;
  /**
   * Value types of the scratch globals: F32 and F64 for functions at V8's local limit, I32
   * for split br_tables (br-table.ts).
   */
  readonly scratchGlobals: number[] = [];
  private brScratch = -1;
  /** Scratch global per value type a split br_table passes along (br-table.ts). */
  private readonly brValue = new Map<number, number>();
  private readonly plan: RewritePlan;
  private thunkOf = new Map<number, number>();
  private readonly fix = (f: number): number => this.thunkOf.get(f) ?? f;
  /** Per defined function: canonicalize through scratch globals instead of new locals. */
  private readonly viaGlobals: Uint8Array;

  constructor(
    private readonly m: WasmModule,
    private readonly analysis: Analysis,
    private readonly calls: CallSequences,
    private readonly opts: {
      readonly nans: boolean;
      readonly firstScratchGlobal: number;
      readonly memBuiltins: ReadonlyMap<number, MemBuiltin>;
    },
  ) {
    this.plan = analysis.plan;
    // Decided before writing: the global section, written first, declares the scratch globals.
    this.viaGlobals = new Uint8Array(m.code.length);
    const brTypes = new Set<number>();
    for (let i = 2; i < this.plan.sites.length; i += 3) {
      const t = brTableSiteValue(this.plan.sites[i]!);
      if (t !== undefined) brTypes.add(t);
    }
    this.placeNanScratch(m, analysis, opts.nans);
    // After the NaN scratch globals, whose positions are fixed.
    if (brTypes.size > 0) {
      this.brScratch = opts.firstScratchGlobal + this.scratchGlobals.length;
      this.scratchGlobals.push(I32);
      for (const t of [...brTypes].filter((t) => t !== 0).sort()) {
        this.brValue.set(t, opts.firstScratchGlobal + this.scratchGlobals.length);
        this.scratchGlobals.push(t);
      }
    }
  }

  private placeNanScratch(m: WasmModule, analysis: Analysis, nans: boolean): void {
    if (!nans) return;
    for (let k = 0; k < m.code.length; k++) {
      if (this.plan.nanSites[k] === 0) continue;
      const params = this.params(analysis.importedFuncs + k);
      if (params + this.plan.localCount[k]! + 2 > MAX_LOCALS) {
        this.viaGlobals[k] = 1;
        if (this.scratchGlobals.length === 0) this.scratchGlobals.push(F32, F64);
      }
    }
  }

  write(w: Writer, thunkOf: Map<number, number>): void {
    this.thunkOf = thunkOf;
    w.u32(this.m.code.length + thunkOf.size);
    for (let k = 0; k < this.m.code.length; k++) this.function(w, k);
    for (const f of thunkOf.keys()) this.thunk(w, f);
  }

  private params(funcIndex: number): number {
    return this.m.types[this.analysis.typeOf[funcIndex]!]!.params.length;
  }

  private function(w: Writer, k: number): void {
    const bytes = this.m.bytes;
    const body = this.m.code[k]!;
    const plan = this.plan;
    const codeStart = plan.codeStart[k]!;
    const canonicalize = this.opts.nans && plan.nanSites[k]! > 0;
    const viaGlobals = this.viaGlobals[k] === 1;
    const at = w.beginSized();
    let scratch = [0, 0, 0];
    if (canonicalize && !viaGlobals) {
      // One f32 and one f64 scratch local after the declared ones.
      const first = this.params(this.analysis.importedFuncs + k) + plan.localCount[k]!;
      scratch = [0, first, first + 1];
      const r = new Reader(bytes, body.start, codeStart);
      const groups = r.u32();
      w.u32(groups + 2);
      w.range(bytes, r.pos, codeStart);
      w.bytes(Uint8Array.of(0x01, F32, 0x01, F64));
    } else {
      if (canonicalize)
        scratch = [0, this.opts.firstScratchGlobal, this.opts.firstScratchGlobal + 1];
      w.range(bytes, body.start, codeStart);
    }
    const builtin = this.opts.memBuiltins.get(k);
    if (builtin !== undefined) w.bytes(FAST_PATH[builtin]); // before the original code

    const sites = plan.sites;
    const costs = this.analysis.costs;
    let from = codeStart;
    for (let i = plan.firstSite[k]! * 3, end = plan.firstSite[k + 1]! * 3; i < end; i += 3) {
      const start = sites[i]!;
      const callee = sites[i + 2]!;
      const carried = brTableSiteValue(callee);
      if (carried !== undefined) {
        w.range(bytes, from, start);
        from = sites[i + 1]!;
        const value =
          carried === 0 ? undefined : { type: carried, global: this.brValue.get(carried)! };
        writeSplitBrTable(w, bytes, start, from, this.brScratch, value);
      } else if (refFuncOf(callee) !== undefined) {
        w.range(bytes, from, start);
        from = sites[i + 1]!;
        w.u8(0xd2); // ref.func of the thunk (WASI ABIs)
        w.u32(this.fix(refFuncOf(callee)!));
      } else if (callee >= 0) {
        const cost = costs[callee] ?? 0;
        if (cost === 0) continue;
        const [pre, post] = this.calls.get(cost);
        w.range(bytes, from, start);
        w.bytes(pre);
        from = sites[i + 1]!;
        w.range(bytes, start, from); // the call itself
        w.bytes(post);
        this.instrumentedCalls++;
      } else if (canonicalize) {
        const kind = -callee as 1 | 2;
        w.range(bytes, from, start);
        w.bytes(canonicalizeSequence(kind, scratch[kind]!, viaGlobals));
        from = start;
        this.canonicalizedOps++;
      }
    }
    w.range(bytes, from, body.end);
    w.endSized(at);
  }

  private thunk(w: Writer, f: number): void {
    const params = this.params(f);
    const [pre, post] = this.calls.get(this.analysis.costs[f]!);
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
