// The stack cost of every function, exactly as the reference's stack limiter computes it.
//
// Reference: sc-executor-wasmtime's `prepare_blob_for_compilation` calls
// `RuntimeBlob::inject_stack_depth_metering(logical_max)` (paritytech/polkadot-sdk,
// substrate/client/executor/wasmtime/src/runtime.rs:656 @032b47f2, in :651–667), which is
// `wasm_instrument::inject_stack_limiter` of wasm-instrument 0.4.0 (the version pinned by
// polkadot-sdk's workspace Cargo.toml @0032e11e: `wasm-instrument = { version = "0.4" }`).
// Its cost function (paritytech/wasm-instrument, src/stack_limiter/mod.rs @26835711 shape and
// src/stack_limiter/max_height.rs @57da96fb):
//
//   cost(f) = Σ declared local counts (NOT the parameters)
//           + max_height(f)
//
// where `max_height` walks the ORIGINAL body (before any instrumentation) with a value stack
// whose height starts at ACTIVATION_FRAME_COST = 2 (the v0.1.1 "activation frame" fix) and
// whose outermost control frame has start_height 0. Before each instruction, if the height
// exceeds the maximum seen and the innermost frame is not polymorphic (after `unreachable`,
// `br`, `br_table`, `return`), the maximum is raised. Every body ends with `end`, so every
// defined function costs at least 2; imported functions cost 0.
//
// Stack effects are wasm-instrument's, not the validator's; the quirks below are deliberate:
// - `pop_values(n)`: no-op for n = 0; if the height equals the innermost frame's start height
//   it succeeds only in a polymorphic frame (else "trying to pop more values than pushed");
//   otherwise it subtracts with underflow checking ("stack underflow") and does NOT stop at
//   the frame's start. Because the function frame starts at 0 while the height starts at 2,
//   valid code such as `unreachable` followed by a call taking 3 arguments fails with "stack
//   underflow" — the reference then refuses the module at preparation, and so do we.
// - `select` pops 2 and then 1 (two separate pops), `if` pops its condition before the frame
//   is pushed, `else` changes nothing (the then-branch's height carries over), `end` truncates
//   to the frame's start and pushes its arity (block types are at most one value here).
// - `br_table` requires all targets to have the default target's arity ("Arity of all
//   jump-targets must be equal"), `call_indirect` looks its type up in the type section.
// Errors are returned as the reference's message strings; the reference reports them as
// `cannot inject the stack limiter: "<message>"` (a deterministic preparation error).
import type { InstructionCursor } from '../wasm/instructions.js';
import type { FuncType, WasmModule } from '../wasm/types.js';

/** wasm-instrument's `ACTIVATION_FRAME_COST`: the height a function's value stack starts at. */
export const ACTIVATION_FRAME_COST = 2;

// Stack effects of the MVP instructions without special handling: pop count then push count
// (one `pop_values` call each); -1 marks instructions handled in the switch below.
const POP = new Int8Array(256).fill(-1);
const PUSH = new Int8Array(256).fill(-1);
function effect(first: number, last: number, pop: number, push: number): void {
  for (let op = first; op <= last; op++) {
    POP[op] = pop;
    PUSH[op] = push;
  }
}
effect(0x01, 0x01, 0, 0); // nop
effect(0x1a, 0x1a, 1, 0); // drop
effect(0x20, 0x20, 0, 1); // local.get
effect(0x21, 0x21, 1, 0); // local.set
effect(0x22, 0x22, 1, 1); // local.tee
effect(0x23, 0x23, 0, 1); // global.get
effect(0x24, 0x24, 1, 0); // global.set
effect(0x28, 0x35, 1, 1); // loads
effect(0x36, 0x3e, 2, 0); // stores
effect(0x3f, 0x3f, 0, 1); // memory.size
effect(0x40, 0x40, 1, 1); // memory.grow
effect(0x41, 0x44, 0, 1); // constants
effect(0x45, 0x45, 1, 1); // i32.eqz
effect(0x46, 0x4f, 2, 1); // i32 comparisons
effect(0x50, 0x50, 1, 1); // i64.eqz
effect(0x51, 0x66, 2, 1); // i64, f32, f64 comparisons
effect(0x67, 0x69, 1, 1); // i32 clz ctz popcnt
effect(0x6a, 0x78, 2, 1); // i32 binary
effect(0x79, 0x7b, 1, 1); // i64 clz ctz popcnt
effect(0x7c, 0x8a, 2, 1); // i64 binary
effect(0x8b, 0x91, 1, 1); // f32 unary
effect(0x92, 0x98, 2, 1); // f32 binary
effect(0x99, 0x9f, 1, 1); // f64 unary
effect(0xa0, 0xa6, 2, 1); // f64 binary
effect(0xa7, 0xbf, 1, 1); // conversions and reinterpretations
// Instructions only the WASI ABIs accept (wasi-features.ts); the Substrate gate refuses them
// before they are measured, so these rows never change a Substrate PVF's cost. Their effects
// are the validator's (Core Specification 2.0 §3.3), counted like wasm-instrument counts MVP.
effect(0xc0, 0xc4, 1, 1); // sign extension
effect(0x25, 0x25, 1, 1); // table.get
effect(0x26, 0x26, 2, 0); // table.set
effect(0xd0, 0xd0, 0, 1); // ref.null
effect(0xd1, 0xd1, 1, 1); // ref.is_null
effect(0xd2, 0xd2, 0, 1); // ref.func
/** 0xFC-prefixed: pop and push counts by subopcode (saturating truncation, bulk, tables). */
const MISC_POP = Int8Array.of(1, 1, 1, 1, 1, 1, 1, 1, 3, 0, 3, 3, 3, 0, 3, 2, 0, 3);
const MISC_PUSH = Int8Array.of(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0);

class CostError extends Error {}

/** The control and value stacks of wasm-instrument's `max_height::Stack`. */
class Stack {
  height = ACTIVATION_FRAME_COST;
  depth = 0;
  start = new Uint32Array(64);
  endArity = new Uint32Array(64);
  branchArity = new Uint32Array(64);
  polymorphic = new Uint8Array(64);

  pushFrame(endArity: number, branchArity: number): void {
    if (this.depth === this.start.length) this.grow();
    const k = this.depth++;
    this.start[k] = this.height;
    this.endArity[k] = endArity;
    this.branchArity[k] = branchArity;
    this.polymorphic[k] = 0;
  }

  /** Index of the frame `rel` levels out from the innermost. */
  frame(rel: number): number {
    if (this.depth === 0) throw new CostError('control stack is empty');
    if (rel > this.depth - 1) throw new CostError('control stack out-of-bounds');
    return this.depth - 1 - rel;
  }

  markUnreachable(): void {
    if (this.depth === 0) throw new CostError('stack must be non-empty');
    this.polymorphic[this.depth - 1] = 1;
  }

  push(n: number): void {
    this.height += n; // cannot overflow u32: bodies are far smaller than 2^32 instructions
  }

  pop(n: number): void {
    if (n === 0) return;
    const top = this.frame(0);
    if (this.height === this.start[top]) {
      if (this.polymorphic[top]) return;
      throw new CostError('trying to pop more values than pushed');
    }
    if (n > this.height) throw new CostError('stack underflow');
    this.height -= n;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const copy = <T extends Uint8Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.start = copy(this.start, (n) => new Uint32Array(n));
    this.endArity = copy(this.endArity, (n) => new Uint32Array(n));
    this.branchArity = copy(this.branchArity, (n) => new Uint32Array(n));
    this.polymorphic = copy(this.polymorphic, (n) => new Uint8Array(n));
  }
}

/** The type index of every function in the function index space (imports first). */
export function functionTypeIndices(m: WasmModule): Uint32Array {
  const imported = m.imports.filter((i) => i.kind === 'func');
  const out = new Uint32Array(imported.length + m.functions.length);
  imported.forEach((i, k) => (out[k] = i.kind === 'func' ? i.type : 0));
  out.set(m.functions, imported.length);
  return out;
}

/**
 * wasm-instrument 0.4.0's cost of one function at a time, fed instruction by instruction
 * (analyze.ts walks each body once for gating, costs and the rewrite plan). Expects
 * instructions that passed feature gating: MVP with single-byte block types for the
 * Substrate ABI, also the WASI ABIs' proposals (wasi-features.ts) for theirs. The first
 * error of a function ends its measurement; {@link finish} then returns the error's message.
 */
export class StackCost {
  private readonly stack = new Stack();
  private max = 0;
  private funcArity = 0;
  private error: string | undefined;

  constructor(
    private readonly m: WasmModule,
    /** {@link functionTypeIndices} of `m`. */
    private readonly typeOf: Uint32Array,
  ) {}

  /** Starts a function whose own type is `own` (undefined: the type index is dangling). */
  begin(own: FuncType | undefined): void {
    const stack = this.stack;
    stack.height = ACTIVATION_FRAME_COST;
    stack.depth = 0;
    this.max = 0;
    this.error = undefined;
    if (own === undefined) {
      this.error = 'Function is not found in func section';
      return;
    }
    this.funcArity = own.results.length;
    stack.pushFrame(this.funcArity, this.funcArity);
    // The function frame starts at 0 although the height starts at ACTIVATION_FRAME_COST.
    stack.start[0] = 0;
  }

  /** Applies the cursor's current instruction. */
  step(c: InstructionCursor): void {
    if (this.error !== undefined) return;
    try {
      this.apply(c);
    } catch (err) {
      if (!(err instanceof CostError)) throw err;
      this.error = err.message;
    }
  }

  /**
   * How many values a branch to label `rel` carries, or undefined when the function's
   * measurement has failed or the label does not exist (the walk reports that itself).
   */
  branchArity(rel: number): number | undefined {
    const stack = this.stack;
    if (this.error !== undefined || rel > stack.depth - 1) return undefined;
    return stack.branchArity[stack.depth - 1 - rel];
  }

  /** The function's cost (declared locals + maximum height), or the first error's message. */
  finish(localCount: number): number | string {
    if (this.error !== undefined) return this.error;
    const total = localCount + this.max;
    if (total > 0xffffffff) return 'Overflow in adding locals_count and max_stack_height';
    return total;
  }

  private signature(funcIndex: number): FuncType {
    // resolve_func_type's errors (wasm-instrument src/stack_limiter/mod.rs)
    const t = this.typeOf[funcIndex];
    if (t === undefined) throw new CostError('Function at the specified index is not defined');
    const type = this.m.types[t];
    if (type === undefined)
      throw new CostError("The signature as specified by a function isn't defined");
    return type;
  }

  private apply(cursor: InstructionCursor): void {
    const stack = this.stack;
    if (stack.height > this.max && !stack.polymorphic[stack.frame(0)]) this.max = stack.height;
    const op = cursor.op;
    const pop = POP[op] ?? -1;
    if (pop >= 0) {
      stack.pop(pop);
      stack.push(PUSH[op]!);
      return;
    }
    switch (op) {
      case 0x00: // unreachable
        stack.markUnreachable();
        break;
      case 0x02: // block
      case 0x03: // loop
      case 0x04: {
        // if
        if (op === 0x04) stack.pop(1);
        if (cursor.a >= 0) {
          // A type index (multi-value, WASI ABIs only): the block's parameters leave the
          // enclosing frame and start the new one; a loop's label takes its parameters.
          const ty = this.m.types[cursor.a];
          if (ty === undefined) throw new CostError('Type not found');
          stack.pop(ty.params.length);
          stack.pushFrame(ty.results.length, op === 0x03 ? ty.params.length : ty.results.length);
          stack.push(ty.params.length);
          break;
        }
        const endArity = cursor.a === -64 ? 0 : 1;
        stack.pushFrame(endArity, op === 0x03 ? 0 : endArity);
        break;
      }
      case 0x05: // else: the frame pushed by `if` stays as it is
        break;
      case 0x0b: {
        // end
        if (stack.depth === 0) throw new CostError('stack must be non-empty');
        const f = --stack.depth;
        stack.height = stack.start[f]!;
        stack.push(stack.endArity[f]!);
        break;
      }
      case 0x0c: // br
        stack.pop(stack.branchArity[stack.frame(cursor.a)]!);
        stack.markUnreachable();
        break;
      case 0x0d: {
        // br_if
        const arity = stack.branchArity[stack.frame(cursor.a)]!;
        stack.pop(arity);
        stack.pop(1);
        stack.push(arity);
        break;
      }
      case 0x0e: {
        // br_table
        const targets = cursor.brTableTargets();
        const arity = stack.branchArity[stack.frame(targets[targets.length - 1]!)]!;
        for (let t = 0; t < targets.length - 1; t++)
          if (stack.branchArity[stack.frame(targets[t]!)] !== arity)
            throw new CostError('Arity of all jump-targets must be equal');
        stack.pop(arity);
        stack.markUnreachable();
        break;
      }
      case 0x0f: // return
        stack.pop(this.funcArity);
        stack.markUnreachable();
        break;
      case 0x10: {
        // call
        const ty = this.signature(cursor.a);
        stack.pop(ty.params.length);
        stack.push(ty.results.length);
        break;
      }
      case 0x11: {
        // call_indirect
        const ty = this.m.types[cursor.a];
        if (ty === undefined) throw new CostError('Type not found');
        stack.pop(1);
        stack.pop(ty.params.length);
        stack.push(ty.results.length);
        break;
      }
      case 0x1b: // select
      case 0x1c: // select with a type (reference types, WASI ABIs only)
        stack.pop(2);
        stack.pop(1);
        stack.push(1);
        break;
      default: {
        const sub = op - 0xfc0000;
        if (sub >= 0 && sub < MISC_POP.length) {
          stack.pop(MISC_POP[sub]!);
          stack.push(MISC_PUSH[sub]!);
          break;
        }
        throw new CostError(`unsupported instruction 0x${op.toString(16)}`);
      }
    }
  }
}
