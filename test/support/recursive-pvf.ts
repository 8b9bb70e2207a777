// A Substrate-ABI PVF that recurses as deep as its params say, for the deterministic stack
// limit: `validate_block` reads a shape byte and a depth `n` (u32 LE at offset 4), recurses n
// levels below its first call and returns a fixed, valid `ValidationResult`. Two shapes:
// - `rec`: direct recursion with one parameter (the smallest native frames);
// - `ind`: recursion through the table with 64 parameters, so every level also runs an
//   uncharged thunk — the most native stack per logical unit found (native-stack.ts, ≈ 45 B),
//   which overflows a main thread's 984 KiB long before the default logical limit.
import { analyzeModule } from '../../runtime/determinism/analyze.js';
import { parseModule } from '../../runtime/wasm/sections.js';
import { wat } from './wat.js';

export type RecursionShape = 'rec' | 'ind';

const P = 64;
const i32s = (n: number) => Array.from({ length: n }, () => 'i32').join(' ');
const zeros = (n: number) => Array.from({ length: n }, () => '(i32.const 0)').join(' ');
const passOn = Array.from({ length: P - 1 }, (_, i) => `(local.get ${i + 1})`).join(' ');

/** head_data [0xaa], no code upgrade, no messages, 0 processed, watermark 5. */
export const RECURSIVE_PVF_RESULT = Uint8Array.of(4, 0xaa, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0);

const SOURCE = `(module
  (type $t (func (param ${i32s(P)}) (result i32)))
  (memory (export "memory") 1)
  (global (export "__heap_base") i32 (i32.const 1024))
  (table 1 funcref) (elem (i32.const 0) $ind)
  (data (i32.const 16) "\\04\\aa\\00\\00\\00\\00\\00\\00\\00\\05\\00\\00\\00")
  (func $rec (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n)) (then (i32.const 0))
      (else (i32.add (call $rec (i32.sub (local.get $n) (i32.const 1))) (i32.const 1)))))
  (func $ind (type $t)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (i32.add
        (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) ${passOn} (i32.const 0))
        (i32.const 1)))))
  (func (export "validate_block") (param $p i32) (param $l i32) (result i64)
    (if (i32.eqz (i32.load8_u (local.get $p)))
      (then (drop (call $rec (i32.load offset=4 (local.get $p)))))
      (else (drop (call_indirect (type $t)
        (i32.load offset=4 (local.get $p)) ${zeros(P - 1)} (i32.const 0)))))
    (i64.or (i64.const 16) (i64.shl (i64.const 13) (i64.const 32)))))`;

const FUNC = { rec: 0, ind: 1, entry: 2 } as const;

export interface RecursivePvf {
  readonly code: Uint8Array;
  /** The params asking for `n` levels of `shape` below the first call. */
  params(shape: RecursionShape, n: number): Uint8Array;
  /**
   * The deepest `n` that stays within `stackLogicalMax`: the entry's thunk charges the entry's
   * cost, then each of the n + 1 activations of the recursive function charges its cost
   * (a direct call, or its thunk when reached through the table), and the check traps as soon
   * as the counter would exceed the limit.
   */
  deepest(shape: RecursionShape, stackLogicalMax: number): number;
}

export async function recursivePvf(): Promise<RecursivePvf> {
  const code = await wat(SOURCE);
  const a = analyzeModule(parseModule(code));
  if (a.kind !== 'analyzed' || a.costError) throw new Error('the recursive PVF must instrument');
  const cost = (f: number) => a.costs[f]!;
  return {
    code,
    params(shape, n) {
      const out = new Uint8Array(8);
      out[0] = shape === 'rec' ? 0 : 1;
      new DataView(out.buffer).setUint32(4, n, true);
      return out;
    },
    deepest: (shape, max) => Math.floor((max - cost(FUNC.entry)) / cost(FUNC[shape])) - 1,
  };
}
