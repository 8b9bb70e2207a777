// Implementation limits where wasmtime (wasmparser) and V8 differ, each at its limit and one
// past it, under whichever Node runs the file (Node 20, 22 and 24 must give the same verdicts;
// npm run test:node-matrix). The verdict is the reference's: accepted, a deterministic
// preparation error (wasmparser refuses), or — where only V8 refuses — a non-deterministic
// error, never a vote.
import { describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { prepare } from '../../../runtime/engine/index.js';

/** A byte builder that never spreads large arrays (millions of items overflow the stack). */
class B {
  private buf = new Uint8Array(1 << 16);
  len = 0;
  byte(b: number): this {
    if (this.len === this.buf.length) {
      const n = new Uint8Array(this.buf.length * 2);
      n.set(this.buf);
      this.buf = n;
    }
    this.buf[this.len++] = b;
    return this;
  }
  bytes(bs: ArrayLike<number>): this {
    for (let i = 0; i < bs.length; i++) this.byte(bs[i]!);
    return this;
  }
  u32(v: number): this {
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }
  sec(id: number, content: B): this {
    return this.byte(id).u32(content.len).bytes(content.view());
  }
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const header = () => new B().bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
/** Memory + `__heap_base` + a `validate_block`, so that the engine's `prepare` takes the module. */
function pvf(parts: {
  types?: B;
  imports?: B;
  tables?: B;
  exports?: (b: B, n: number) => number;
  elements?: B;
  code?: B[];
  codeTypes?: number[];
  data?: B;
  custom?: B;
}): Uint8Array {
  const m = header();
  // types: 0 = (i32 i32) -> i64, then the caller's
  const types = new B().bytes([0x60, 2, 0x7f, 0x7f, 1, 0x7e]);
  const extraTypes = parts.types ? parts.types.view() : new Uint8Array();
  const nTypes = 1 + (parts.types ? ((parts.types as B & { count?: number }).count ?? 0) : 0);
  m.sec(1, new B().u32(nTypes).bytes(types.view()).bytes(extraTypes));
  if (parts.imports) m.sec(2, parts.imports);
  const bodies = [new B().bytes([0, 0x42, 0, 0x0b]), ...(parts.code ?? [])];
  const fnTypes = [0, ...(parts.codeTypes ?? [])];
  m.sec(3, new B().u32(fnTypes.length).bytes(fnTypes.flatMap((t) => [t])));
  if (parts.tables) m.sec(4, parts.tables);
  m.sec(5, new B().bytes([1, 0, 1]));
  m.sec(6, new B().bytes([1, 0x7f, 0, 0x41, 0x80, 0x08, 0x0b]));
  const ex = new B();
  const extra = parts.exports ? parts.exports(ex, 0) : 0;
  const exports = new B().u32(3 + extra);
  exports
    .u32(6)
    .bytes([...'memory'].map((c) => c.charCodeAt(0)))
    .bytes([2, 0]);
  exports
    .u32(11)
    .bytes([...'__heap_base'].map((c) => c.charCodeAt(0)))
    .bytes([3, 0]);
  exports
    .u32(14)
    .bytes([...'validate_block'].map((c) => c.charCodeAt(0)))
    .bytes([0, 0]);
  exports.bytes(ex.view());
  m.sec(7, exports);
  if (parts.elements) m.sec(9, parts.elements);
  const code = new B().u32(bodies.length);
  for (const b of bodies) code.u32(b.len).bytes(b.view());
  m.sec(10, code);
  if (parts.data) m.sec(11, parts.data);
  if (parts.custom) m.sec(0, parts.custom);
  return m.view();
}

type Verdict = 'prepared' | 'preparation' | 'non-deterministic';
function verdict(code: Uint8Array): Verdict {
  const out = prepare(code);
  if (out.kind === 'prepared') return 'prepared';
  if (out.stage === 'runtime-construction') return 'non-deterministic';
  expect(out.stage).toBe('preparation');
  return 'preparation';
}

const withTable = (min: number) => new B().bytes([1, 0x70, 0]).u32(min);
const elements = (n: number) => {
  const b = new B().u32(n);
  for (let i = 0; i < n; i++) b.bytes([0, 0x41, 0, 0x0b, 1, 0]);
  return b;
};
const exportNamed = (len: number) => (b: B) => {
  b.u32(len);
  for (let i = 0; i < len; i++) b.byte(0x61);
  b.bytes([0, 0]);
  return 1;
};
const manyExports = (n: number) => (b: B) => {
  for (let i = 0; i < n; i++) {
    const s = `e${i}`;
    b.u32(s.length)
      .bytes([...s].map((c) => c.charCodeAt(0)))
      .bytes([0, 0]);
  }
  return n;
};
const dataSegments = (n: number) => {
  const b = new B().u32(n);
  for (let i = 0; i < n; i++) b.bytes([0, 0x41, 0, 0x0b, 0]);
  return b;
};
const manyImports = (n: number) => {
  const b = new B().u32(n);
  for (let i = 0; i < n; i++) {
    const s = `f${i}`;
    b.bytes([3, 0x65, 0x6e, 0x76])
      .u32(s.length)
      .bytes([...s].map((c) => c.charCodeAt(0)))
      .bytes([0, 0]);
  }
  return b;
};
/** A body of exactly `n` bytes (after its size): no locals, nops, `i64.const 0`, end. */
const bodyOf = (n: number) => {
  const b = new B().byte(0);
  for (let i = 0; i < n - 4; i++) b.byte(0x01);
  return b.bytes([0x42, 0, 0x0b]);
};

/** v8 ≥ 13 (Node 24) takes a million imports/exports; older ones 100,000. */
const v8Major = Number(process.versions.v8.split('.')[0]);

describe('implementation limits decide as the reference does', () => {
  it.each<[string, () => Uint8Array, Verdict, Verdict | undefined]>([
    [
      "element segments at wasmparser's 100,000",
      () => pvf({ tables: withTable(1), elements: elements(100_000) }),
      'prepared',
      undefined,
    ],
    [
      'element segments past it (V8 takes 10 M)',
      () => pvf({ tables: withTable(1), elements: elements(100_001) }),
      'preparation',
      undefined,
    ],
    [
      'a table of 10,000,000 entries',
      () => pvf({ tables: withTable(10_000_000) }),
      'prepared',
      undefined,
    ],
    [
      'a table of 10,000,001 entries',
      () => pvf({ tables: withTable(10_000_001) }),
      'preparation',
      undefined,
    ],
    [
      'an export name of 100,000 bytes',
      () => pvf({ exports: exportNamed(100_000) }),
      'prepared',
      undefined,
    ],
    [
      'an export name of 100,001 bytes (V8 takes it)',
      () => pvf({ exports: exportNamed(100_001) }),
      'preparation',
      undefined,
    ],
    ['100,000 data segments', () => pvf({ data: dataSegments(100_000) }), 'prepared', undefined],
    [
      '100,001 data segments (both refuse)',
      () => pvf({ data: dataSegments(100_001) }),
      'preparation',
      undefined,
    ],
    [
      '100,000 exports more',
      () => pvf({ exports: manyExports(100_000 - 3) }),
      'prepared',
      undefined,
    ],
    // wasmtime takes 1,000,000; V8 before 13 refuses 100,001: never a vote against the code.
    [
      '100,001 exports',
      () => pvf({ exports: manyExports(100_001 - 3) }),
      v8Major >= 13 ? 'prepared' : 'non-deterministic',
      'prepared',
    ],
    [
      '100,001 imports',
      () => pvf({ imports: manyImports(100_001) }),
      v8Major >= 13 ? 'prepared' : 'non-deterministic',
      'prepared',
    ],
    [
      'a function body of 7,654,321 bytes',
      () => pvf({ code: [bodyOf(7_654_321)], codeTypes: [0] }),
      'prepared',
      undefined,
    ],
    [
      'a function body of 7,654,322 bytes (wasmtime takes it)',
      () => pvf({ code: [bodyOf(7_654_322)], codeTypes: [0] }),
      'non-deterministic',
      'prepared',
    ],
  ])('%s', (_what, build, expected, reference) => {
    const v = verdict(build());
    expect(v).toBe(expected);
    // A non-deterministic outcome is only ever where the reference prepares.
    if (v === 'non-deterministic') expect(reference).toBe('prepared');
  });
});

/**
 * `(func (param i32) (result T))` dispatching with a br_table of `n` targets over three blocks:
 * target k → label (k % 3 === 2 ? 1 : 0), default → 2. Without a value (T = i32) the blocks
 * are void and return 10, 11 or 12; with `carry` ('i32' or 'f64') they have result T, the
 * br_table carries 7 and the blocks add 100, 200 or 300 to it.
 */
function dispatcher(n: number, carry?: 'i32' | 'f64'): Uint8Array {
  const f64 = (v: number) => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)];
  const konst = (v: number) => (carry === 'f64' ? f64(v) : [0x41, ...sleb(v)]);
  const add = carry === 'f64' ? 0xa0 : 0x6a;
  const t = carry === 'f64' ? 0x7c : 0x7f;
  const bt = carry ? t : 0x40;
  const body = new B().byte(0).bytes([0x02, bt, 0x02, bt, 0x02, bt]);
  if (carry) body.bytes(konst(7));
  body.bytes([0x20, 0, 0x0e]).u32(n);
  for (let k = 0; k < n; k++) body.byte(k % 3 === 2 ? 1 : 0);
  body.bytes([2, 0x0b]);
  if (carry)
    body
      .bytes([...konst(100), add, 0x0f, 0x0b, ...konst(200), add, 0x0f, 0x0b])
      .bytes([...konst(300), add, 0x0b]);
  else body.bytes([0x41, 10, 0x0f, 0x0b, 0x41, 11, 0x0f, 0x0b, 0x41, 12, 0x0b]);
  const m = header();
  m.sec(1, new B().bytes([1, 0x60, 1, 0x7f, 1, t]));
  m.sec(3, new B().bytes([1, 0]));
  m.sec(7, new B().bytes([1, 1, 0x66, 0, 0]));
  m.sec(10, new B().u32(1).u32(body.len).bytes(body.view()));
  return m.view();
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

describe("br_table beyond V8's 65,520 targets", () => {
  const run = (n: number) => {
    const out = makeDeterministic(dispatcher(n));
    if (out.kind !== 'instrumented') throw new Error(out.message);
    const f = new WebAssembly.Instance(new WebAssembly.Module(out.bytes)).exports.f as (
      i: number,
    ) => number;
    return { out, f };
  };
  const expected = (n: number, i: number) => (i >>> 0 >= n ? 12 : i % 3 === 2 ? 11 : 10);

  it.each([65_520, 65_521, 100_000, 131_040, 131_072])(
    '%i targets: compiles on V8 and branches exactly as written',
    (n) => {
      expect(WebAssembly.validate(dispatcher(n))).toBe(n <= 65_520);
      const { f } = run(n);
      for (const i of [
        0,
        1,
        2,
        65_518,
        65_519,
        65_520,
        65_521,
        65_522,
        n - 2,
        n - 1,
        n,
        n + 1,
        200_000,
        -1,
        -65_520,
      ])
        expect(f(i)).toBe(expected(n, i));
    },
  );

  it('131,073 targets: wasmparser refuses it, a preparation error', () => {
    const out = makeDeterministic(dispatcher(131_073));
    expect(out).toMatchObject({ kind: 'refused', stage: 'preparation' });
    if (out.kind === 'refused') expect(out.message).toMatch(/br_table size is out of bounds/);
  });

  it.each(['i32', 'f64'] as const)(
    '65,521 and 131,072 targets whose labels carry an %s: split, exact',
    (carry) => {
      for (const n of [65_521, 131_072]) {
        const out = makeDeterministic(dispatcher(n, carry));
        if (out.kind !== 'instrumented') throw new Error(out.message);
        const f = new WebAssembly.Instance(new WebAssembly.Module(out.bytes)).exports.f as (
          i: number,
        ) => number;
        for (const i of [0, 2, 65_519, 65_520, 65_522, n - 1, n, -1])
          expect(f(i)).toBe(7 + (i >>> 0 >= n ? 300 : i % 3 === 2 ? 200 : 100));
      }
    },
  );
});
