// The walker against hand-assembled modules, one per proposal, each checked with V8 where V8
// reads it. Longer than most files: the case table lists every instruction each module holds.
import { describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { walkCode } from '../../../runtime/wasm/body.js';
import { Imm, FEATURE_NAMES, opcodeName } from '../../../runtime/wasm/opcodes.js';
import { WasmParseError } from '../../../runtime/wasm/reader.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import { v8Since } from '../../support/node-major.js';
import {
  EXTERNREF,
  FUNCREF,
  I32,
  funcType,
  memorySection,
  oneFunction,
  s32,
  s64,
  section,
  u32,
  v8Validates,
  vec,
} from '../../support/wasm-bytes.js';

interface Seen {
  name: string | undefined;
  feature: string;
  start: number;
  end: number;
}

function walk(wasm: Uint8Array): Seen[] {
  const seen: Seen[] = [];
  walkCode(parseModule(wasm), (c) => {
    seen.push({
      name: opcodeName(c.op),
      feature: FEATURE_NAMES[c.feature],
      start: c.start,
      end: c.pos,
    });
  });
  return seen;
}

const v128 = (...bytes: number[]) => [
  0xfd,
  0x0c,
  ...bytes,
  ...new Array(16 - bytes.length).fill(0),
];
const simd = (op: number) => [0xfd, ...u32(op)];
const table = (type: number, min: number) => [type, 0x00, ...u32(min)];
const passiveData = section(11, vec([[0x01, ...u32(2), 0xaa, 0xbb]]));

// Each case: a module using one proposal, the instructions the walker must report with the
// feature of each, and whether V8 on Node 20 accepts the module (checked, so the hand
// assembly is known to be right where V8 can tell).
const CASES: {
  feature: string;
  module: Uint8Array;
  expect: [name: string, feature: string][];
  v8: boolean;
}[] = [
  {
    feature: 'mvp',
    module: oneFunction({ code: [0x41, ...s32(-5), 0x1a, 0x42, ...s64(1n << 40n), 0x1a] }),
    expect: [
      ['i32.const', 'mvp'],
      ['drop', 'mvp'],
      ['i64.const', 'mvp'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'sign-extension',
    module: oneFunction({ code: [0x41, 0x01, 0xc0, 0x1a] }),
    expect: [
      ['i32.const', 'mvp'],
      ['i32.extend8_s', 'sign-extension'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'saturating-float-to-int',
    module: oneFunction({ code: [0x43, 0, 0, 0, 0, 0xfc, 0x00, 0x1a] }),
    expect: [
      ['f32.const', 'mvp'],
      ['i32.trunc_sat_f32_s', 'saturating-float-to-int'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'bulk-memory',
    module: oneFunction({
      middle: [memorySection(1), section(12, u32(1))],
      code: [
        0x41,
        0,
        0x41,
        0,
        0x41,
        0,
        0xfc,
        0x0a,
        0x00,
        0x00, // memory.copy
        0x41,
        0,
        0x41,
        0,
        0x41,
        0,
        0xfc,
        0x0b,
        0x00, // memory.fill
        0x41,
        0,
        0x41,
        0,
        0x41,
        0,
        0xfc,
        0x08,
        0x00,
        0x00, // memory.init 0
        0xfc,
        0x09,
        0x00, // data.drop 0
      ],
      after: [passiveData],
    }),
    expect: [
      ...Array(3).fill(['i32.const', 'mvp']),
      ['memory.copy', 'bulk-memory'],
      ...Array(3).fill(['i32.const', 'mvp']),
      ['memory.fill', 'bulk-memory'],
      ...Array(3).fill(['i32.const', 'mvp']),
      ['memory.init', 'bulk-memory'],
      ['data.drop', 'bulk-memory'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'reference-types',
    module: oneFunction({
      middle: [section(4, vec([table(FUNCREF, 1), table(EXTERNREF, 1)]))],
      code: [
        0xd0,
        FUNCREF,
        0xd1,
        0x1a, // ref.null func; ref.is_null; drop
        0x41,
        0,
        0x25,
        0x00,
        0x1a, // table.get 0
        0xfc,
        0x10,
        0x01,
        0x1a, // table.size 1
        0x41,
        1,
        0x41,
        2,
        0x41,
        0,
        0x1c,
        0x01,
        I32,
        0x1a, // select (result i32)
        0x41,
        0,
        0x11,
        0x00,
        0x01, // call_indirect type 0 table 1
      ],
    }),
    expect: [
      ['ref.null', 'reference-types'],
      ['ref.is_null', 'reference-types'],
      ['drop', 'mvp'],
      ['i32.const', 'mvp'],
      ['table.get', 'reference-types'],
      ['drop', 'mvp'],
      ['table.size', 'reference-types'],
      ['drop', 'mvp'],
      ['i32.const', 'mvp'],
      ['i32.const', 'mvp'],
      ['i32.const', 'mvp'],
      ['select', 'reference-types'],
      ['drop', 'mvp'],
      ['i32.const', 'mvp'],
      ['call_indirect', 'reference-types'],
      ['end', 'mvp'],
    ],
    v8: false, // call_indirect on an externref table is a type error; the encoding is what we test
  },
  {
    feature: 'multi-value',
    module: oneFunction({
      types: [funcType([], []), funcType([], [I32, I32])],
      code: [0x02, 0x01, 0x41, 1, 0x41, 2, 0x0b, 0x1a, 0x1a],
    }),
    expect: [
      ['block', 'multi-value'],
      ['i32.const', 'mvp'],
      ['i32.const', 'mvp'],
      ['end', 'mvp'],
      ['drop', 'mvp'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'simd',
    module: oneFunction({
      middle: [memorySection(1)],
      code: [
        ...v128(1, 2),
        ...v128(3),
        0xfd,
        0x0d,
        ...Array.from({ length: 16 }, (_, k) => k * 2), // shuffle
        0xfd,
        0x15,
        0x03,
        0x1a, // i8x16.extract_lane_s 3
        0x41,
        0,
        0xfd,
        0x00,
        0x04,
        0x10, // v128.load align=16 offset=16
        0x41,
        0,
        ...v128(),
        ...simd(174), // i32x4.add (two-byte sub-opcode)
        0xfd,
        0x54,
        0x00,
        0x00,
        0x0f, // v128.load8_lane lane 15
        0x1a,
        0x1a,
      ],
    }),
    expect: [
      ['v128.const', 'simd'],
      ['v128.const', 'simd'],
      ['i8x16.shuffle', 'simd'],
      ['i8x16.extract_lane_s', 'simd'],
      ['drop', 'mvp'],
      ['i32.const', 'mvp'],
      ['v128.load', 'simd'],
      ['i32.const', 'mvp'],
      ['v128.const', 'simd'],
      ['i32x4.add', 'simd'],
      ['v128.load8_lane', 'simd'],
      ['drop', 'mvp'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: false, // stack shape is deliberately loose; the encodings are checked below with V8
  },
  {
    feature: 'relaxed-simd',
    module: oneFunction({ code: [...v128(), ...v128(), ...simd(0x100), 0x1a] }),
    expect: [
      ['v128.const', 'simd'],
      ['v128.const', 'simd'],
      ['i8x16.relaxed_swizzle', 'relaxed-simd'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: v8Since(22), // shipped in V8 12.4 (Node 22), not in V8 11.3 (Node 20)
  },
  {
    feature: 'threads',
    module: oneFunction({
      middle: [memorySection(1, 1, 0x03)],
      code: [0x41, 0, 0xfe, 0x10, 0x02, 0x00, 0x1a, 0xfe, 0x03, 0x00],
    }),
    expect: [
      ['i32.const', 'mvp'],
      ['i32.atomic.load', 'threads'],
      ['drop', 'mvp'],
      ['atomic.fence', 'threads'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'tail-call',
    module: oneFunction({ code: [0x12, 0x00] }),
    expect: [
      ['return_call', 'tail-call'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'exceptions',
    module: oneFunction({
      middle: [section(13, vec([[0x00, 0x00]]))],
      code: [
        0x06,
        0x40,
        0x08,
        0x00,
        0x07,
        0x00,
        0x0b, // try; throw 0; catch 0; end
        0x06,
        0x40,
        0x06,
        0x40,
        0x01,
        0x18,
        0x00,
        0x19,
        0x09,
        0x00,
        0x0b, // try; try; nop; delegate 0; catch_all; rethrow 0; end
      ],
    }),
    expect: [
      ['try', 'exceptions'],
      ['throw', 'exceptions'],
      ['catch', 'exceptions'],
      ['end', 'mvp'],
      ['try', 'exceptions'],
      ['try', 'exceptions'],
      ['nop', 'mvp'],
      ['delegate', 'exceptions'],
      ['catch_all', 'exceptions'],
      ['rethrow', 'exceptions'],
      ['end', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: true,
  },
  {
    feature: 'exceptions-exnref',
    module: oneFunction({ code: [0x1f, 0x40, 0x01, 0x02, 0x00, 0x0b] }), // try_table (catch_all 0)
    expect: [
      ['try_table', 'exceptions-exnref'],
      ['end', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: v8Since(22), // behind a flag in V8 11.3 (Node 20), shipped in V8 12.4 (Node 22)
  },
  {
    feature: 'multi-memory',
    module: oneFunction({
      middle: [
        section(
          5,
          vec([
            [0, 1],
            [0, 1],
          ]),
        ),
      ],
      code: [0x41, 0, 0x28, 0x42, 0x01, 0x00, 0x1a, 0x3f, 0x01, 0x1a],
    }),
    expect: [
      ['i32.const', 'mvp'],
      ['i32.load', 'multi-memory'],
      ['drop', 'mvp'],
      ['memory.size', 'multi-memory'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: v8Since(22), // shipped in V8 12.4 (Node 22)
  },
  {
    feature: 'memory64',
    module: oneFunction({
      middle: [memorySection(1, undefined, 0x04)],
      code: [0x42, 0, 0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x10, 0x1a], // offset 2^32
    }),
    expect: [
      ['i64.const', 'mvp'],
      ['i32.load', 'memory64'],
      ['drop', 'mvp'],
      ['end', 'mvp'],
    ],
    v8: v8Since(22), // shipped in V8 12.4 (Node 22)
  },
];

describe('instruction walker', () => {
  it.each(CASES)('reports $feature instructions', ({ module, expect: want, v8 }) => {
    const seen = walk(module);
    expect(seen.map((s) => [s.name, s.feature])).toEqual(want);
    // What V8 accepts changes between Node majors (support/node-major.ts); the verdict does
    // not: any post-MVP instruction is refused at prevalidation on every Node.
    expect(v8Validates(module)).toBe(v8);
    if (want.some(([, f]) => f !== 'mvp'))
      expect(makeDeterministic(module)).toMatchObject({ kind: 'refused', stage: 'prevalidation' });
  });

  it('byte ranges tile the body exactly, from the code start to the body end', () => {
    for (const { module } of CASES) {
      const m = parseModule(module);
      const seen = walk(module);
      for (let k = 1; k < seen.length; k++) expect(seen[k]!.start).toBe(seen[k - 1]!.end);
      expect(seen.at(-1)!.end).toBe(m.code[0]!.end);
      expect(module[seen.at(-1)!.start]).toBe(0x0b);
    }
  });

  it('the SIMD encodings V8 checks: each instruction alone in a well-typed body', () => {
    const bodies = [
      [...v128(1), 0xfd, 0x15, 0x03, 0x1a],
      [...v128(), ...v128(), 0xfd, 0x0d, ...Array(16).fill(31), 0x1a],
      [...v128(), ...v128(), ...simd(174), 0x1a],
      [0x41, 0, ...v128(), 0xfd, 0x54, 0x00, 0x00, 0x0f, 0x1a],
      [0x41, 0, 0xfd, 0x00, 0x04, 0x10, 0x1a],
    ];
    for (const code of bodies) {
      const module = oneFunction({ middle: [memorySection(1)], code });
      expect(v8Validates(module)).toBe(true);
      expect(walk(module).every((s) => s.name !== undefined)).toBe(true);
    }
  });

  it('decodes immediates: br_table targets, i64 and float constants, memargs', () => {
    const module = oneFunction({
      middle: [memorySection(1)],
      code: [
        0x02,
        0x40,
        0x41,
        0,
        0x0e,
        0x02,
        0x00,
        0x00,
        0x00,
        0x0b, // br_table 0 0 0
        0x42,
        ...s64(-(1n << 62n)),
        0x1a,
        0x44,
        ...new Uint8Array(new Float64Array([1.5]).buffer),
        0x1a,
        0x41,
        0,
        0x29,
        0x03,
        ...u32(70000),
        0x1a, // i64.load align=8 offset=70000
      ],
    });
    expect(v8Validates(module)).toBe(true);
    const got: unknown[] = [];
    walkCode(parseModule(module), (c) => {
      if (c.imm === Imm.BrTable) got.push(['br_table', c.a, c.b, c.brTableTargets()]);
      if (c.imm === Imm.I64) got.push(['i64', c.i64()]);
      if (c.imm === Imm.F64) got.push(['f64', c.float()]);
      if (c.imm === Imm.MemArg) got.push(['memarg', c.a, c.b, c.c]);
    });
    expect(got).toEqual([
      ['br_table', 2, 0, [0, 0, 0]],
      ['i64', -(1n << 62n)],
      ['f64', 1.5],
      ['memarg', 3, 70000, 0],
    ]);
  });

  it('tracks nesting depth to the final end', () => {
    const depths: number[] = [];
    walkCode(parseModule(oneFunction({ code: [0x02, 0x40, 0x03, 0x40, 0x0b, 0x0b] })), (c) =>
      depths.push(c.depth),
    );
    expect(depths).toEqual([1, 2, 1, 0, -1]);
  });

  it.each([
    ['an unknown opcode', [0x41, 0, 0xd5, 0x1a], /unknown opcode 0xd5/],
    ['an unknown prefixed opcode', [0xfc, 0x20], /unknown opcode 0xfc 32/],
    ['a GC opcode', [0xfb, 0x00], /unknown opcode 0xfb/],
    ['a body without its final end', [0x02, 0x40], /ends without its final end/],
    ['code after the final end', [0x0b, 0x01], /after the final end/],
    ['a truncated immediate', [0x44, 0x00, 0x00], /unexpected end/],
  ])('throws WasmParseError on %s', (_what, code, message) => {
    const module = oneFunction({ code });
    expect(() => walk(module)).toThrow(message);
    expect(() => walk(module)).toThrow(WasmParseError);
    expect(v8Validates(module)).toBe(false);
  });
});
