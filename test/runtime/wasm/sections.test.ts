import { describe, expect, it } from 'vitest';
import { collectFeatures } from '../../../runtime/wasm/features.js';
import { WasmParseError } from '../../../runtime/wasm/reader.js';
import { customSectionBytes, parseModule } from '../../../runtime/wasm/sections.js';
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  funcType,
  HEADER,
  I32,
  I64,
  memorySection,
  module,
  name,
  oneFunction,
  s32,
  s64,
  section,
  u32,
  V128,
  v8Validates,
  vec,
} from '../../support/wasm-bytes.js';

const TYPE = section(1, vec([funcType([], [])]));
const FUNC = section(3, vec([[0]]));
const CODE = section(10, vec([[2, 0, 0x0b]]));
const custom = (n: string, payload: number[]) => section(0, [...name(n), ...payload]);

describe('module framing', () => {
  it('keeps byte ranges: sections tile the module, bodies and custom payloads are views', () => {
    const wasm = module(custom('first', [1, 2, 3]), TYPE, FUNC, CODE, custom('last', [9]));
    expect(v8Validates(wasm)).toBe(true);
    const m = parseModule(wasm);
    expect(m.sections[0]!.start).toBe(8);
    for (let k = 1; k < m.sections.length; k++)
      expect(m.sections[k]!.start).toBe(m.sections[k - 1]!.end);
    expect(m.sections.at(-1)!.end).toBe(wasm.length);
    expect(m.customSections.map((c) => [c.name, [...customSectionBytes(m, c)]])).toEqual([
      ['first', [1, 2, 3]],
      ['last', [9]],
    ]);
    const body = m.code[0]!;
    expect([...wasm.subarray(body.start, body.end)]).toEqual([0, 0x0b]);
    expect(wasm[body.sizeStart]).toBe(2);
  });

  it.each([
    ['a short header', new Uint8Array(HEADER.slice(0, 6)), /shorter than the 8-byte header/],
    ['wrong magic', new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0]), /wrong magic/],
    ['a component', new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), /component/],
    ['sections out of order', module(FUNC, TYPE, CODE), /out of order/],
    ['a repeated section', module(TYPE, TYPE, FUNC, CODE), /out of order or repeated/],
    ['an unknown section id', module(TYPE, section(14, [0])), /unknown section id 14/],
    ['a section past the end', new Uint8Array([...HEADER, 1, 0x10, 0]), /runs past the end/],
    ['unread bytes in a section', module(TYPE, FUNC, section(8, [0, 0]), CODE), /unread byte/],
    ['function and code counts that differ', module(TYPE, FUNC), /counts differ/],
    [
      'a data count that differs',
      module(section(12, u32(2)), section(11, vec([]))),
      /data count 2/,
    ],
    ['a bad limits flag', module(section(5, vec([[0x08, 1]]))), /limits flags/],
    ['a bad value type', module(section(1, vec([[0x60, 1, 0x55, 0]]))), /unknown value type/],
    [
      'a bad import kind',
      module(section(2, vec([[...name('a'), ...name('b'), 5, 0]]))),
      /import kind/,
    ],
    ['a bad UTF-8 custom name', module(section(0, [2, 0xc3, 0x28])), /UTF-8/],
  ])('refuses %s', (_what, wasm, message) => {
    expect(() => parseModule(wasm)).toThrow(message);
    expect(() => parseModule(wasm)).toThrow(WasmParseError);
    expect(v8Validates(wasm)).toBe(false);
  });
});

describe('section contents', () => {
  it('decodes imports of every kind with their limits', () => {
    const imp = (field: string, desc: number[]) => [...name('m'), ...name(field), ...desc];
    const wasm = module(
      section(1, vec([funcType([I32], [I64])])),
      section(
        2,
        vec([
          imp('f', [0x00, 0]),
          imp('t', [0x01, FUNCREF, 0x01, 1, 10]),
          imp('mem', [0x02, 0x03, 1, 2]),
          imp('g', [0x03, I64, 0x01]),
        ]),
      ),
    );
    expect(v8Validates(wasm)).toBe(true);
    expect(parseModule(wasm).imports).toEqual([
      { module: 'm', name: 'f', kind: 'func', type: 0 },
      {
        module: 'm',
        name: 't',
        kind: 'table',
        table: { element: 'funcref', limits: { min: 1, max: 10, shared: false, index64: false } },
      },
      {
        module: 'm',
        name: 'mem',
        kind: 'memory',
        limits: { min: 1, max: 2, shared: true, index64: false },
      },
      { module: 'm', name: 'g', kind: 'global', global: { type: 'i64', mutable: true } },
    ]);
  });

  it('resolves constant global initialisers', () => {
    const g = (type: number, init: number[]) => [type, 0x00, ...init, 0x0b];
    const wasm = module(
      section(1, vec([funcType([], [])])),
      section(2, vec([[...name('m'), ...name('g'), 0x03, I32, 0x00]])),
      section(3, vec([[0]])),
      section(
        6,
        vec([
          g(I32, [0x41, ...s32(-7)]),
          g(I64, [0x42, ...s64(1n << 40n)]),
          g(F32, [0x43, ...new Uint8Array(new Float32Array([1.5]).buffer)]),
          g(F64, [0x44, ...new Uint8Array(new Float64Array([-2.25]).buffer)]),
          g(I32, [0x23, 0]),
          g(FUNCREF, [0xd2, 0]),
          g(EXTERNREF, [0xd0, EXTERNREF]),
          g(I32, [0x41, 1, 0x41, 2, 0x6a]), // extended-const: i32.add
        ]),
      ),
      section(10, vec([[2, 0, 0x0b]])),
    );
    const values = parseModule(wasm).globals.map((x) => x.init.value);
    expect(values).toEqual([
      { kind: 'i32.const', value: -7 },
      { kind: 'i64.const', value: 1n << 40n },
      { kind: 'f32.const', value: 1.5 },
      { kind: 'f64.const', value: -2.25 },
      { kind: 'global.get', index: 0 },
      { kind: 'ref.func', index: 0 },
      { kind: 'ref.null' },
      { kind: 'expression' },
    ]);
  });

  it('decodes element segments of every encoding V8 accepts', () => {
    const off = [0x41, 0, 0x0b];
    const expr = [0xd2, 0, 0x0b];
    const wasm = oneFunction({
      middle: [
        section(
          4,
          vec([
            [FUNCREF, 0x00, 4],
            [FUNCREF, 0x00, 4],
          ]),
        ),
        section(
          9,
          vec([
            [0, ...off, ...vec([[0]])],
            [1, 0x00, ...vec([[0]])],
            [2, 1, ...off, 0x00, ...vec([[0]])],
            [3, 0x00, ...vec([[0]])],
            [4, ...off, ...vec([expr])],
            [5, FUNCREF, ...vec([expr])],
            [6, 1, ...off, FUNCREF, ...vec([expr])],
            [7, FUNCREF, ...vec([expr])],
          ]),
        ),
      ],
      code: [],
    });
    expect(v8Validates(wasm)).toBe(true);
    const segs = parseModule(wasm).elements;
    expect(
      segs.map((e) => [
        e.flags,
        e.mode,
        e.table,
        e.functions?.length ?? 0,
        e.expressions?.length ?? 0,
      ]),
    ).toEqual([
      [0, 'active', 0, 1, 0],
      [1, 'passive', 0, 1, 0],
      [2, 'active', 1, 1, 0],
      [3, 'declarative', 0, 1, 0],
      [4, 'active', 0, 0, 1],
      [5, 'passive', 0, 0, 1],
      [6, 'active', 1, 0, 1],
      [7, 'declarative', 0, 0, 1],
    ]);
    expect(segs[4]!.expressions![0]!.value).toEqual({ kind: 'ref.func', index: 0 });
  });

  it('decodes active and passive data segments as ranges', () => {
    const wasm = module(
      memorySection(1),
      section(12, u32(2)),
      section(
        11,
        vec([
          [0, 0x41, 8, 0x0b, ...vec([[0xaa], [0xbb]])],
          [1, ...vec([[0xcc]])],
        ]),
      ),
    );
    expect(v8Validates(wasm)).toBe(true);
    const [a, p] = parseModule(wasm).data;
    expect(a).toMatchObject({
      mode: 'active',
      memory: 0,
      offset: { value: { kind: 'i32.const', value: 8 } },
    });
    expect([...wasm.subarray(a!.dataStart, a!.end)]).toEqual([0xaa, 0xbb]);
    expect(p).toMatchObject({ mode: 'passive', offset: undefined });
    expect([...wasm.subarray(p!.dataStart, p!.end)]).toEqual([0xcc]);
  });
});

describe('features declared outside code', () => {
  it('finds multi-value types, shared memory, SIMD globals, passive data and v128 locals', () => {
    const wasm = oneFunction({
      types: [funcType([], []), funcType([], [I32, I32])],
      middle: [
        memorySection(1, 1, 0x03),
        section(6, vec([[V128, 0x00, 0xfd, 0x0c, ...new Array(16).fill(0), 0x0b]])),
        section(12, u32(1)),
      ],
      locals: [[1, V128]],
      code: [],
      after: [section(11, vec([[1, ...vec([[1]])]]))],
    });
    expect(v8Validates(wasm)).toBe(true);
    const byName = Object.fromEntries(
      collectFeatures(parseModule(wasm)).map((f) => [f.feature, f]),
    );
    expect(Object.keys(byName).sort()).toEqual(['bulk-memory', 'multi-value', 'simd', 'threads']);
    expect(byName['multi-value']!.declaration).toBe('type 1 returns 2 values');
    expect(byName['threads']!.declaration).toBe('memory 0 is shared');
    expect(byName['simd']).toMatchObject({ firstFunction: 0, declaration: 'global 0 is v128' });
    expect(byName['bulk-memory']!.declaration).toBe('data segment 0 is passive');
  });
});
