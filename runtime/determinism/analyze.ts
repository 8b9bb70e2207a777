// The one walk of the determinism step over a parsed module: every section is gated in module
// order (features.ts) and every function body is read once, instruction by instruction, for
// three things at the same time — the reference's prevalidation of the instruction, its
// contribution to the function's stack cost (stack-cost.ts) and the places the rewrite
// (instrument.ts) must touch: calls to defined functions and NaN-producing float operations.
// A Moonbase-sized runtime has ~5 million instructions; walking them once instead of once per
// concern is most of what the step costs.
//
// Order of refusals, as the reference meets them: prevalidation (parity-wasm reads the whole
// module first, so a refused construct anywhere, even after a function whose cost cannot be
// computed, wins), then the stack limiter's error for the first such function, then what
// wasmtime refuses when compiling (features.ts `gateCompilation`).
import { readLocals } from '../wasm/body.js';
import { InstructionCursor } from '../wasm/instructions.js';
import type { WasmModule } from '../wasm/types.js';
import { SectionId } from '../wasm/types.js';
import {
  type FeatureRefusal,
  gateCompilation,
  gateInstruction,
  gateSection,
  localsGate,
  Refused,
} from './features.js';
import { BIG_BR_TABLE, bigBrTableWithValue, labelValueType, refFuncSite } from './br-table.js';
import {
  gateCompilationWasi,
  gateInstructionWasi,
  gateSectionWasi,
  localsGateWasi,
} from './wasi-features.js';
import { V8_MAX_BR_TABLE, WASMPARSER_MAX_BR_TABLE } from './impl-limits.js';

const VALTYPE: Partial<Record<string, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };
import { NAN_RESULT } from './nan.js';
import { functionTypeIndices, StackCost } from './stack-cost.js';

/**
 * What the rewrite needs, indexed by defined function `k` (function index = imported + k).
 * Sites are triples in `sites`: a call `(start, end, callee)` with `[start, end)` the call
 * instruction, or a NaN-producing operation `(end, end, -kind)` with kind 1 (f32) or 2 (f64)
 * and `end` just after it, or a br_table V8 cannot take `(start, end, BIG_BR_TABLE)` (br-table.ts),
 * or (WASI ABIs) a `ref.func` `(start, end, refFuncSite(f))` the rewrite points at f's thunk;
 * function k's sites are triples `firstSite[k]` to `firstSite[k+1]`.
 */
export interface RewritePlan {
  readonly codeStart: Uint32Array;
  readonly localCount: Uint32Array;
  /** NaN-producing operations per function (0 for integer-only functions). */
  readonly nanSites: Uint32Array;
  readonly firstSite: Uint32Array;
  readonly sites: Int32Array;
}

export interface Analysis {
  readonly kind: 'analyzed';
  /** The type index of every function (imports first). */
  readonly typeOf: Uint32Array;
  readonly importedFuncs: number;
  /** wasm-instrument's cost per function index (imports 0); valid only without `costError`. */
  readonly costs: Uint32Array;
  /** The stack limiter's error for the first function whose cost it cannot compute. */
  readonly costError: { readonly message: string; readonly funcIndex: number } | undefined;
  /** The first br_table wasmparser refuses (a preparation error after any cost error). */
  readonly brTableRefusal: string | undefined;
  /** Functions named by a `ref.func` in code (WASI ABIs; the Substrate gate refuses it). */
  readonly refFuncs: ReadonlySet<number>;
  readonly plan: RewritePlan;
}

/**
 * Gates, measures and plans `m` in one pass.
 * @throws {WasmParseError} on a malformed function body (a prevalidation error to the caller).
 */
/**
 * Which feature policy gates the module: the Substrate ABI's (consensus, features.ts) or the
 * WASI ABIs' own (wasi-features.ts).
 */
export type FeaturePolicy = 'substrate' | 'wasi';

const GATES = {
  substrate: { section: gateSection, instruction: gateInstruction, locals: localsGate },
  wasi: { section: gateSectionWasi, instruction: gateInstructionWasi, locals: localsGateWasi },
} as const;

/** What the policy refuses that only a whole-module view shows (tables, memories). */
export const gateCompilationFor = (policy: FeaturePolicy) =>
  policy === 'substrate' ? gateCompilation : gateCompilationWasi;

export function analyzeModule(
  m: WasmModule,
  policy: FeaturePolicy = 'substrate',
): Analysis | FeatureRefusal {
  const gate = GATES[policy];
  const wasi = policy === 'wasi';
  const refFuncs = new Set<number>();
  const typeOf = functionTypeIndices(m);
  const importedFuncs = typeOf.length - m.functions.length;
  const costs = new Uint32Array(typeOf.length);
  const n = m.code.length;
  const plan = {
    codeStart: new Uint32Array(n),
    localCount: new Uint32Array(n),
    nanSites: new Uint32Array(n),
    firstSite: new Uint32Array(n + 1),
  };
  const sites = new Sites();
  const cursor = new InstructionCursor(m.bytes);
  const cost = new StackCost(m, typeOf);
  let costError: Analysis['costError'];
  let tooBig: string | undefined;
  try {
    for (const s of m.sections) {
      if (s.id !== SectionId.Code) {
        gate.section(m, s, cursor);
        continue;
      }
      for (let k = 0; k < n; k++) {
        const funcIndex = importedFuncs + k;
        const body = m.code[k]!;
        const { codeStart, localCount } = readLocals(m.bytes, body, gate.locals(body, funcIndex));
        plan.codeStart[k] = codeStart;
        plan.localCount[k] = localCount;
        plan.firstSite[k] = sites.length;
        // After the first cost error only gating matters (a later refusal still wins).
        const measuring = costError === undefined;
        if (measuring) cost.begin(m.types[m.functions[k]!]);
        let nans = 0;
        cursor.reset(codeStart, body.end);
        while (cursor.next()) {
          gate.instruction(cursor, funcIndex);
          const op = cursor.op;
          if (op === 0x0e && cursor.a > V8_MAX_BR_TABLE && wasi)
            // Our own policy, not the reference's: V8's limit is the WASI ABIs' limit.
            tooBig ??= `br_table size is out of bounds (${cursor.a} targets, V8 takes ${V8_MAX_BR_TABLE}) in function ${funcIndex}`;
          else if (op === 0x0e && cursor.a > V8_MAX_BR_TABLE) {
            if (cursor.a > WASMPARSER_MAX_BR_TABLE)
              tooBig ??= `br_table size is out of bounds (${cursor.a} targets, wasmparser takes ${WASMPARSER_MAX_BR_TABLE}) in function ${funcIndex}`;
            // Split for V8 (br-table.ts). A label that does not exist is the stack limiter's
            // error already (a preparation error before anything is written).
            if (measuring && cost.branchArity(cursor.b) !== undefined) {
              const own = m.types[m.functions[k]!]?.results[0];
              const result = own === undefined ? 0 : (VALTYPE[own] ?? 0);
              const t = labelValueType(
                m.bytes,
                codeStart,
                body.end,
                cursor.start,
                cursor.b,
                result,
              );
              if (t !== undefined)
                sites.push(
                  cursor.start,
                  cursor.pos,
                  t === 0 ? BIG_BR_TABLE : bigBrTableWithValue(t),
                );
            }
          }
          if (measuring) cost.step(cursor);
          if (op === 0x10) {
            if (cursor.a >= importedFuncs) sites.push(cursor.start, cursor.pos, cursor.a);
          } else if (op === 0xd2) {
            // ref.func (WASI ABIs): an indirect call through it must go through the thunk.
            if (cursor.a >= importedFuncs) {
              sites.push(cursor.start, cursor.pos, refFuncSite(cursor.a));
              refFuncs.add(cursor.a);
            }
          } else if (op < 0x100 && NAN_RESULT[op]) {
            sites.push(cursor.pos, cursor.pos, -NAN_RESULT[op]!);
            nans++;
          }
        }
        plan.nanSites[k] = nans;
        if (measuring) {
          const c = cost.finish(localCount);
          if (typeof c === 'string') costError = { message: c, funcIndex };
          else costs[funcIndex] = c;
        }
      }
    }
  } catch (err) {
    if (err instanceof Refused) return err.refusal;
    throw err;
  }
  plan.firstSite[n] = sites.length;
  return {
    kind: 'analyzed',
    typeOf,
    importedFuncs,
    costs,
    costError,
    brTableRefusal: tooBig,
    refFuncs,
    plan: { ...plan, sites: sites.view() },
  };
}

/** A growable list of int32 triples. */
class Sites {
  private data = new Int32Array(3 * 4096);
  length = 0;

  push(a: number, b: number, c: number): void {
    if (this.length * 3 + 3 > this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    const at = this.length++ * 3;
    this.data[at] = a;
    this.data[at + 1] = b;
    this.data[at + 2] = c;
  }

  view(): Int32Array {
    return this.data.subarray(0, this.length * 3);
  }
}
