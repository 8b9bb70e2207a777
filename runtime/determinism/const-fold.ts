// Constant expressions in the rewritten module. The reference's wasmtime enables the
// extended-const proposal by default (see features.ts): `i32/i64.add/sub/mul` over constants
// in global initialisers and segment offsets are valid there, while V8 on Node 20 refuses
// them. The rewrite folds each such expression into the single constant it evaluates to (with
// wasm's wrapping arithmetic), which both engines read the same way.
import { InstructionCursor } from '../wasm/instructions.js';
import type { ConstExpr } from '../wasm/types.js';
import type { Writer } from '../wasm/writer.js';

/**
 * Writes a constant expression, folding extended-const arithmetic (`i32/i64.add/sub/mul` over
 * constants, accepted by the reference's wasmtime but not by V8) into a single constant.
 * Anything else is copied as it is and left to V8's validation.
 */
export function constExpr(w: Writer, bytes: Uint8Array, e: ConstExpr): void {
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
