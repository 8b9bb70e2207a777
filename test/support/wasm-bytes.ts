// Hand assembly of tiny wasm modules for tests: LEB128 encoders, sections and a one-function
// module builder. Tests check what they build with WebAssembly.validate where V8 reads it.

export const u32 = (v: number): number[] => {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
};

export const s64 = (v: bigint): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};

export const s32 = (v: number): number[] => s64(BigInt(v));

export const name = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [...u32(b.length), ...b];
};

export const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];

export const section = (id: number, content: number[]): number[] => [
  id,
  ...u32(content.length),
  ...content,
];

export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

export const module = (...sections: number[][]): Uint8Array =>
  new Uint8Array([...HEADER, ...sections.flat()]);

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;

export const funcType = (params: number[], results: number[]): number[] => [
  0x60,
  ...vec(params.map((p) => [p])),
  ...vec(results.map((r) => [r])),
];

export interface OneFunction {
  /** Function types; the function uses type 0. */
  types?: number[][];
  /** Instructions of the body, without the final `end`. */
  code: number[];
  locals?: [count: number, type: number][];
  /** Extra sections placed before the function section (ids 2..). */
  before?: number[][];
  /** Extra sections placed after the code section (ids 11..). */
  after?: number[][];
  /** Sections between function and code (tables, memories, globals, exports, ...). */
  middle?: number[][];
}

/** A module with one function `types[0]` whose body is `code` then `end`. */
export function oneFunction(f: OneFunction): Uint8Array {
  const body = [...vec((f.locals ?? []).map(([n, t]) => [...u32(n), t])), ...f.code, 0x0b];
  return module(
    section(1, vec(f.types ?? [funcType([], [])])),
    ...(f.before ?? []),
    section(3, vec([[0]])),
    ...(f.middle ?? []),
    section(10, vec([[...u32(body.length), ...body]])),
    ...(f.after ?? []),
  );
}

/** A memory section with one memory of `min` pages (flags byte given for shared/64-bit). */
export const memorySection = (min: number, max?: number, flags?: number): number[] =>
  section(
    5,
    vec([max === undefined ? [flags ?? 0, ...u32(min)] : [flags ?? 1, ...u32(min), ...u32(max)]]),
  );

// @types/node 20 does not declare the WebAssembly global; this is the one call tests need.
const wasmApi = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } })
  .WebAssembly;

/** Whether V8 (this Node's engine) accepts `bytes` as a module. */
export const v8Validates = (bytes: Uint8Array): boolean => wasmApi.validate(bytes);
