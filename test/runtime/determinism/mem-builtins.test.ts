// The fast paths of the guest's own memcpy, memmove, memset (bulk memory) and memcmp (words)
// (runtime/determinism/mem-builtins.ts) against the original loops, body by body: each known
// body is taken from the real runtime that carries it, put alone in a module, and run with and
// without its fast path from every alignment and length class, overlapping and not, at both
// ends of memory and past them. Same return value and same memory, or a trap on both sides
// with the same message. memcmp runs on memory where long runs compare equal, and differ at
// every offset within a word.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decompressCode } from '../../../runtime/blob/code-blob.js';
import {
  findMemBuiltins,
  KNOWN_MEM_BUILTIN_LENGTHS,
  KNOWN_MEM_BUILTINS,
  LIMIT64,
  type MemBuiltin,
} from '../../../runtime/determinism/mem-builtins.js';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import type { WasmModule } from '../../../runtime/wasm/types.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import {
  funcType,
  I32,
  I64,
  memorySection,
  module,
  name,
  oneFunction,
  s32,
  section,
  u32,
  vec,
} from '../../support/wasm-bytes.js';

const PAGE = 65536;
/** Moonbase 4300's compiler_builtins memcpy and memmove (see mem-builtins.ts). */
const SCRATCHING = new Set([
  '2c4b5cab0778e5fbd5500de66317117a8e737410ac81052077953252c36cb2e4',
  'f176b81729c5f0f273a058a52ad4f26c6031f72328b7388b50123891ec199b02',
]);
const FILES = ['pvf/adder.wasm', ...CUMULUS_RUNTIMES.map((r) => r.file)];

interface Found {
  readonly file: string;
  readonly kind: MemBuiltin;
  readonly body: Uint8Array;
}

/** Where the module's shadow stack pointer (global 0, as in a Rust runtime) points. */
const STACK_POINTER = 32768;

/**
 * `(module (memory (export "memory") 1) (global (mut i32) (i32.const 32768))
 * (func (export "f") (type $t) <body>))` with $t = (i32 i32 i32) -> i32, or `params` i32s.
 * A body that wrote below the stack pointer would show it in the memory compared.
 */
function alone(body: Uint8Array, params = 3): Uint8Array {
  return module(
    section(1, vec([funcType(Array<number>(params).fill(I32), [I32])])),
    section(3, vec([[0]])),
    memorySection(1),
    section(6, vec([[I32, 1, 0x41, ...s32(STACK_POINTER), 0x0b]])),
    section(
      7,
      vec([
        [...name('memory'), 2, 0],
        [...name('f'), 0, 0],
      ]),
    ),
    section(10, vec([[...u32(body.length), ...body]])),
  );
}

type Fn = (a: number, b: number, c: number) => number;
interface Subject {
  readonly f: Fn;
  readonly memory: WebAssembly.Memory;
}

function instantiate(bytes: Uint8Array, memBuiltins: boolean): { subject: Subject; fast: number } {
  const out = makeDeterministic(bytes, { memBuiltins });
  if (out.kind !== 'instrumented') throw new Error(out.message);
  // The body calls nothing: the stack limiter's charges are all at call sites outside it.
  expect(out.instrumentedCalls).toBe(0);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(out.bytes), {});
  const e = instance.exports as { f: Fn; memory: WebAssembly.Memory };
  return { subject: { f: e.f, memory: e.memory }, fast: out.memBuiltins };
}

/** A deterministic generator (xorshift32) so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** (d, s or c, n) triples: every class each loop branches on, and random ones. */
function cases(kind: MemBuiltin): [number, number, number][] {
  const out: [number, number, number][] = [];
  const lengths = [...Array(72).keys(), 100, 255, 256, 257, 1023, 4096, 20001];
  for (let da = 0; da < 4; da++)
    for (let sa = 0; sa < 4; sa++)
      for (const n of lengths) {
        const d = 1000 + da;
        out.push([d, 30000 + sa, n], [d, 900 + sa - 64, n]); // apart, either order
        // Overlapping from both sides and in place.
        for (const k of [-9, -5, -4, -3, -1, 0, 1, 3, 4, 5, 9]) out.push([d, d + k + sa, n]);
        // Ending exactly at the end of memory, and one byte past it.
        out.push([PAGE - n - da, 2000 + sa, n], [2000 + da, PAGE - n - sa, n]);
        out.push([PAGE - n - da + 1, 2000 + sa, n], [2000 + da, PAGE - n - sa + 1, n]);
      }
  // At the bottom of memory, where a pointer minus a word would wrap.
  for (let x = 0; x < 4; x++)
    for (let y = 0; y < 8; y++)
      for (let n = 0; n < 40; n++) out.push([x, 100 + y, n], [100 + y, x, n], [x, y, n]);
  // Past the end and across 2^32.
  for (const n of [0, 1, 4, 8, 16, 0x7fffffff, 0xffffffff])
    for (const far of [PAGE, PAGE + 3, 0x7fffffff, 0xfffffff0, 0xffffffff])
      out.push([far, 64, n], [64, far, n], [far, far, n]);
  const next = rng(kind.length);
  for (let i = 0; i < 3000; i++) {
    const d = next() % (PAGE + 64);
    const s = next() % (PAGE + 64);
    const n = next() % 8 === 0 ? next() % PAGE : next() % 300;
    out.push([d, s, n]);
  }
  if (kind === 'memset') for (const c of [0, 0xff, 0x100, 0x1ab, -1, -256]) out.push([100, c, 33]);
  return out;
}

type Outcome = { returned: number } | { trap: string };

function run(x: Subject, pattern: Uint8Array, [a, b, c]: [number, number, number]): Outcome {
  new Uint8Array(x.memory.buffer).set(pattern);
  try {
    return { returned: x.f(a | 0, b | 0, c | 0) };
  } catch (err) {
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    return { trap: err.message };
  }
}

describe('the fast path bound', () => {
  it('is the memory size, less the last page of a 4 GiB memory', () => {
    // LIMIT64's own bytes with each `memory.size 0` read from a parameter instead, so that
    // every page count can be tried without a 4 GiB memory.
    // (0x3f 0x00 becomes 0x20 0x00, local.get 0; no immediate in LIMIT64 is 0x3f.)
    const code = LIMIT64.map((b) => (b === 0x3f ? 0x20 : b));
    expect(code.filter((b) => b === 0x20)).toHaveLength(2);
    const bytes = oneFunction({
      types: [funcType([I32], [I64])],
      code,
      middle: [section(7, vec([[...name('f'), 0, 0]]))],
    });
    const { f } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as {
      f: (pages: number) => bigint;
    };
    expect([0, 1, 2080, 65535, 65536].map((p) => f(p))).toEqual([
      0n,
      65536n,
      2080n * 65536n,
      65535n * 65536n,
      (1n << 32n) - 65536n,
    ]);
  });
});

/**
 * Memory for memcmp: mostly zeros, one random byte in 64, so that ranges compare equal for
 * long runs; and [30000, 51000) a copy of [1000, 22000) but for a byte every 1237, so that
 * calls comparing the two (the cases "apart" at equal alignment) walk long equal prefixes.
 */
function comparable(next: () => number): Uint8Array {
  const m = Uint8Array.from({ length: PAGE }, () => (next() % 64 === 0 ? next() & 0xff : 0));
  m.copyWithin(30000, 1000, 22000);
  for (let i = 30000; i < 51000; i += 1237) m[i] = next() & 0xff;
  return m;
}

describe.skipIf(!HAVE_FIXTURES)('guest memcpy/memmove/memset/memcmp fast paths', () => {
  const found: Found[] = [];
  const modules = new Map<string, WasmModule>();

  beforeAll(async () => {
    for (const file of FILES) {
      const blob = fixture(file);
      const wasm = file.endsWith('adder.wasm')
        ? { kind: 'ok' as const, bytes: blob }
        : await decompressCode(blob);
      if (wasm.kind !== 'ok') throw new Error(`${file} did not decompress`);
      const m = parseModule(wasm.bytes);
      modules.set(file, m);
      const importedFuncs = m.imports.filter((i) => i.kind === 'func').length;
      const typeOf = [
        ...m.imports.filter((i) => i.kind === 'func').map((i) => i.type!),
        ...m.functions,
      ];
      for (const [k, kind] of findMemBuiltins(m, typeOf, importedFuncs)) {
        const b = m.code[k]!;
        found.push({ file, kind, body: m.bytes.slice(b.start, b.end) });
      }
    }
  });

  it('finds memcpy, memmove, memset and memcmp in the Cumulus runtimes, and every known body somewhere', () => {
    const kinds = (file: string) =>
      new Set(found.filter((f) => f.file === file).map((f) => f.kind));
    for (const { file } of CUMULUS_RUNTIMES.filter((r) => !r.file.includes('moonbase')))
      expect(kinds(file)).toEqual(new Set(['memcpy', 'memmove', 'memset', 'memcmp']));
    const moonbase = found.filter((f) => f.file.includes('moonbase')).map((f) => f.kind);
    expect(moonbase.sort()).toEqual(['memcmp', 'memset']);
    expect(kinds('pvf/adder.wasm')).toEqual(new Set(['memcpy', 'memset', 'memcmp']));
    const seen = new Set(found.map((f) => Buffer.from(f.body).toString('hex')));
    expect(seen.size).toBe(KNOWN_MEM_BUILTINS.size);
    expect(new Set(found.map((f) => f.body.length))).toEqual(KNOWN_MEM_BUILTIN_LENGTHS);
  });

  it('each known body behaves the same with its fast path: results, memory and traps', () => {
    const next = rng(7);
    const random = Uint8Array.from({ length: PAGE }, () => next() & 0xff);
    const sparse = comparable(next);
    let equalWalks = 0;
    const signs = new Set<number>();
    const bodies = new Map(found.map((f) => [Buffer.from(f.body).toString('hex'), f]));
    let compared = 0;
    let fastTaken = 0;
    for (const { kind, body, file } of bodies.values()) {
      const bytes = alone(body);
      const loops = instantiate(bytes, false);
      const fast = instantiate(bytes, true);
      expect([loops.fast, fast.fast]).toEqual([0, 1]); // the control runs the loops only
      const pattern = kind === 'memcmp' ? sparse : random;
      for (const c of cases(kind)) {
        const want = run(loops.subject, pattern, c);
        const got = run(fast.subject, pattern, c);
        expect(got, `${kind} from ${file}, (d, s, n) = ${c}`).toEqual(want);
        if ('returned' in want) {
          const same = Buffer.compare(
            new Uint8Array(loops.subject.memory.buffer),
            new Uint8Array(fast.subject.memory.buffer),
          );
          expect(same, `${kind} from ${file}, memory after (d, s, n) = ${c}`).toBe(0);
        }
        compared++;
        if (c[2] !== 0) fastTaken++;
        if (kind === 'memcmp' && 'returned' in want) {
          if (c[2] >= 64 && want.returned === 0) equalWalks++;
          signs.add(Math.sign(want.returned));
        }
      }
    }
    expect(compared).toBeGreaterThan(KNOWN_MEM_BUILTINS.size * 3000);
    expect(fastTaken).toBeGreaterThan(compared / 2);
    // The memory made memcmp walk equal runs of 64 bytes and more, not stop at the first byte.
    expect(equalWalks).toBeGreaterThan(200);
    expect(signs).toEqual(new Set([-1, 0, 1]));
  });

  it("leaves Moonbase's memcpy and memmove alone: they write below the stack pointer", () => {
    const moonbase = modules.get('pvf/moonbase-4300.compact.compressed.wasm')!;
    const scratchers = moonbase.code
      .map((b) => moonbase.bytes.subarray(b.start, b.end))
      .filter((b) => b.length === 950 || b.length === 1819)
      .filter((b) => SCRATCHING.has(createHash('sha256').update(b).digest('hex')));
    expect(scratchers).toHaveLength(2);
    const next = rng(11);
    const pattern = Uint8Array.from({ length: PAGE }, () => next() & 0xff);
    for (const body of scratchers) {
      const { subject, fast } = instantiate(alone(body), true);
      expect(fast).toBe(0);
      // A misaligned copy: the loops touch the 16 bytes below the stack pointer, which a
      // fast path would not.
      expect(run(subject, pattern, [1001, 3002, 40])).toEqual({ returned: 1001 });
      const after = new Uint8Array(subject.memory.buffer);
      const slot = (m: Uint8Array) => m.subarray(STACK_POINTER - 16, STACK_POINTER);
      expect(Buffer.compare(slot(after), slot(pattern))).not.toBe(0);
      expect(Buffer.compare(after.subarray(1001, 1041), pattern.subarray(3002, 3042))).toBe(0);
    }
  });

  it('recognises bodies by every byte and by their type, never by name', () => {
    const memcpy = found.find((f) => f.kind === 'memcpy')!;
    const same = parseModule(alone(memcpy.body));
    const typeOf = (m: WasmModule) => m.functions;
    expect([...findMemBuiltins(same, typeOf(same), 0).values()]).toEqual(['memcpy']);
    // One byte changed (the last constant before the final `end`s stays valid wasm or not:
    // recognition does not care) and the body is left alone.
    const changed = memcpy.body.slice();
    changed[changed.length - 2]! ^= 1;
    const other = parseModule(alone(changed));
    expect(findMemBuiltins(other, typeOf(other), 0).size).toBe(0);
    // The same bytes under another type: (i32 i32 i32 i32) -> i32.
    const wider = parseModule(alone(memcpy.body, 4));
    expect(findMemBuiltins(wider, typeOf(wider), 0).size).toBe(0);
  });
});
