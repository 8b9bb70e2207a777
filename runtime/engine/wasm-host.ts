// Host functions that run as wasm, beside the guest, on the guest's own memory: the freeing-bump
// allocator (freeing-bump-wasm.ts) and `twox_64`/`twox_128` (../host/twox-wasm.ts). The guest
// imports them as exports of this module's instance, which V8 calls from wasm directly, without
// the JavaScript crossing every other host function costs; host code in JavaScript allocates
// through the same instance (`WasmHeap` is the `HeapAllocator` of each call). Which imports are
// served this way: WASM_HOST_IMPORTS; everything else links as link.ts says.
//
// One instance serves one memory (the pool recycles memories, so it is made once per memory,
// mostly while the worker is idle: standby.ts). It imports the memory and `heap.fail`, through
// which every error leaves: the same error object the JavaScript host function throws, which
// unwinds through the guest like any host trap. `start` resets it for a call; after `stop`, the
// guest's calls trap as host calls outside an entry point do (a start function's).
import { asm } from '../wasm/asm.js';
import { Writer } from '../wasm/writer.js';
import { TWOX_ERRORS, twoxBody, XXH64 } from '../host/twox-wasm.js';
import { compileModule } from './compile.js';
import type { AllocationStats, HeapAllocator } from './freeing-bump.js';
import {
  ALLOCATOR_ERRORS,
  ALLOCATOR_GLOBALS,
  ERR,
  FREE,
  headSwitch,
  MALLOC,
  N_ORDERS,
  START,
  STOP,
} from './freeing-bump-wasm.js';
import type { GuestMemory } from './memory.js';

/** sc-allocator `MAX_WASM_PAGES`, for a memory without a maximum. */
const MAX_WASM_PAGES = 65536;

type Val = 'i32' | 'i64';
const TYPE: Record<Val, number> = { i32: 0x7f, i64: 0x7e };

interface Func {
  readonly name: string;
  readonly params: readonly (readonly [string, Val])[];
  readonly results: readonly Val[];
  readonly locals: readonly (readonly [string, Val])[];
  readonly text: string;
  /** The export's name, for functions the guest or the host calls. */
  readonly export?: string;
}

// Index 0 is the imported `fail(code, a, b)`.
const FUNCS: readonly Func[] = [
  { name: 'err', params: [['code', 'i32']], results: [], locals: [], text: ERR },
  {
    name: 'getHead',
    params: [['order', 'i32']],
    results: ['i32'],
    locals: [],
    text: headSwitch(true),
  },
  {
    name: 'setHead',
    params: [
      ['order', 'i32'],
      ['value', 'i32'],
    ],
    results: [],
    locals: [],
    text: headSwitch(false),
  },
  {
    name: 'malloc',
    export: 'malloc',
    params: [['size', 'i32']],
    results: ['i32'],
    locals: [
      ['order', 'i32'],
      ['hdr', 'i32'],
      ['memSize', 'i64'],
      ['chunk', 'i64'],
      ['required', 'i64'],
      ['pages', 'i64'],
      ['maxPages', 'i64'],
      ['requiredPages', 'i64'],
      ['next', 'i64'],
    ],
    text: MALLOC,
  },
  {
    name: 'free',
    export: 'free',
    params: [['ptr', 'i32']],
    results: [],
    locals: [
      ['hdr', 'i32'],
      ['memSize', 'i64'],
      ['order', 'i32'],
      ['prev', 'i32'],
      ['chunk', 'i64'],
    ],
    text: FREE,
  },
  {
    name: 'start',
    export: 'start',
    params: [
      ['base', 'i32'],
      ['maxPages', 'i32'],
    ],
    results: [],
    locals: [['aligned', 'i64']],
    text: START,
  },
  { name: 'stop', export: 'stop', params: [], results: [], locals: [], text: STOP },
  {
    name: 'xxh64',
    params: [
      ['p', 'i32'],
      ['n', 'i32'],
      ['seed', 'i64'],
    ],
    results: ['i64'],
    locals: [
      ['total', 'i64'],
      ['h', 'i64'],
      ['v1', 'i64'],
      ['v2', 'i64'],
      ['v3', 'i64'],
      ['v4', 'i64'],
    ],
    text: XXH64,
  },
  ...([1, 2] as const).map((words): Func => ({
    name: `twox${64 * words}`,
    export: `twox${64 * words}`,
    params: [['data', 'i64']],
    results: ['i32'],
    locals: [
      ['p', 'i32'],
      ['n', 'i32'],
      ['out', 'i32'],
      ...Array.from({ length: words }, (_, k) => [`d${k}`, 'i64'] as const),
    ],
    text: twoxBody(words),
  })),
];

const GLOBALS: readonly (readonly [string, Val])[] = [
  ...Array.from({ length: N_ORDERS }, (_, i) => [`head${i}`, 'i32'] as const),
  ...ALLOCATOR_GLOBALS,
];

/** The guest's imports this module serves, and the export serving each. */
export const WASM_HOST_IMPORTS: Readonly<Record<string, 'malloc' | 'free' | 'twox64' | 'twox128'>> =
  {
    ext_allocator_malloc_version_1: 'malloc',
    ext_allocator_free_version_1: 'free',
    ext_hashing_twox_64_version_1: 'twox64',
    ext_hashing_twox_128_version_1: 'twox128',
  };

function str(w: Writer, s: string): void {
  const bytes = new TextEncoder().encode(s);
  w.u32(bytes.length);
  w.bytes(bytes);
}

const signature = (params: readonly Val[], results: readonly Val[]) =>
  `${params.join(',')}->${results.join(',')}`;

/** The module's binary: imports `heap.fail` and `heap.memory`. */
export function wasmHostModule(): Uint8Array {
  const FAIL: Func = {
    name: 'fail',
    params: [
      ['code', 'i32'],
      ['a', 'i32'],
      ['b', 'i32'],
    ],
    results: [],
    locals: [],
    text: '',
  };
  const all = [FAIL, ...FUNCS];
  const types: string[] = [];
  const typeOf = (f: Func) => {
    const sig = signature(
      f.params.map(([, t]) => t),
      f.results,
    );
    if (!types.includes(sig)) types.push(sig);
    return types.indexOf(sig);
  };
  const funcTypes = all.map(typeOf);
  const names = {
    funcs: Object.fromEntries(all.map((f, i) => [f.name, i])),
    globals: Object.fromEntries(GLOBALS.map(([name], i) => [name, i])),
  };

  const w = new Writer(8192);
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  w.section(1, (s) => {
    s.u32(types.length);
    for (const sig of types) {
      const [params, results] = sig.split('->').map((x) => (x === '' ? [] : x.split(',')));
      s.u8(0x60);
      s.u32(params!.length);
      for (const p of params!) s.u8(TYPE[p as Val]);
      s.u32(results!.length);
      for (const r of results!) s.u8(TYPE[r as Val]);
    }
  });
  w.section(2, (s) => {
    s.u32(2);
    str(s, 'heap');
    str(s, 'fail');
    s.u8(0x00);
    s.u32(funcTypes[0]!);
    str(s, 'heap');
    str(s, 'memory');
    s.u8(0x02);
    s.u8(0x00); // min 0, no maximum: any memory links
    s.u32(0);
  });
  w.section(3, (s) => {
    s.u32(FUNCS.length);
    for (const t of funcTypes.slice(1)) s.u32(t);
  });
  w.section(6, (s) => {
    s.u32(GLOBALS.length);
    for (const [, t] of GLOBALS) {
      s.u8(TYPE[t]);
      s.u8(1); // mutable
      asm(s, `${t}.const 0\nend`);
    }
  });
  w.section(7, (s) => {
    const funcs = all.flatMap((f, i) => (f.export ? [[f.export, 0, i] as const] : []));
    const globals = (['bumper', 'base', 'allocated', 'peak', 'sum', 'mallocs'] as const).map(
      (g) => [g, 3, names.globals[g]!] as const,
    );
    s.u32(funcs.length + globals.length);
    for (const [name, kind, index] of [...funcs, ...globals]) {
      str(s, name);
      s.u8(kind);
      s.u32(index);
    }
  });
  w.section(10, (s) => {
    s.u32(FUNCS.length);
    for (const f of FUNCS) {
      const at = s.beginSized();
      s.u32(f.locals.length);
      for (const [, t] of f.locals) {
        s.u32(1);
        s.u8(TYPE[t]);
      }
      const locals = Object.fromEntries([...f.params, ...f.locals].map(([name], i) => [name, i]));
      asm(s, `${f.text}\nend`, { locals, globals: names.globals, funcs: names.funcs });
      s.endSized(at);
    }
  });
  return w.finish();
}

interface HostExports {
  readonly malloc: (size: number) => number;
  readonly free: (ptr: number) => void;
  readonly twox64: (data: bigint) => number;
  readonly twox128: (data: bigint) => number;
  readonly start: (heapBase: number, maxPages: number) => void;
  readonly stop: () => void;
  readonly bumper: WebAssembly.Global;
  readonly base: WebAssembly.Global;
  readonly allocated: WebAssembly.Global;
  readonly peak: WebAssembly.Global;
  readonly sum: WebAssembly.Global;
  readonly mallocs: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;
const HEAPS = new WeakMap<WebAssembly.Memory, WasmHeap>();

/** The wasm host functions of one memory; the `HeapAllocator` host code uses in its calls. */
export class WasmHeap implements HeapAllocator {
  /** The instance's exports: the functions the guest imports (WASM_HOST_IMPORTS). */
  readonly exports: HostExports;

  private constructor(memory: WebAssembly.Memory) {
    compiled ??= compileModule(wasmHostModule(), 'optimized');
    const fail = (code: number, a: number, b: number): never => {
      const twox = TWOX_ERRORS[code];
      if (twox !== undefined) throw twox(a >>> 0, b >>> 0, memory.buffer.byteLength);
      const error = ALLOCATOR_ERRORS[code];
      throw error !== undefined ? error() : new Error(`wasm host: unknown failure ${code}`);
    };
    const instance = new WebAssembly.Instance(compiled, { heap: { memory, fail } });
    this.exports = instance.exports as unknown as HostExports;
  }

  /** Whether `memory` has its wasm host functions already. */
  static has(memory: WebAssembly.Memory): boolean {
    return HEAPS.has(memory);
  }

  /** The wasm host functions of `memory`, made on first use. */
  static of(memory: WebAssembly.Memory): WasmHeap {
    let heap = HEAPS.get(memory);
    if (heap === undefined) {
      heap = new WasmHeap(memory);
      HEAPS.set(memory, heap);
    }
    return heap;
  }

  /** A new allocator state for a call: `FreeingBumpHeapAllocator::new(heap_base)`. */
  start(heapBase: number, maxPages: number | undefined): void {
    this.exports.start(heapBase, maxPages ?? MAX_WASM_PAGES);
  }

  /** The call has ended: the guest's calls trap until the next `start`. */
  stop(): void {
    this.exports.stop();
  }

  allocate(_mem: GuestMemory, size: number): number {
    return this.exports.malloc(size) >>> 0;
  }

  /** Successful allocations since `start`. */
  get allocations(): number {
    return this.exports.mallocs.value as number;
  }

  deallocate(_mem: GuestMemory, ptr: number): void {
    this.exports.free(ptr);
  }

  stats(): AllocationStats {
    const e = this.exports;
    const n = (g: WebAssembly.Global) => Number(g.value as bigint);
    return {
      bytesAllocated: n(e.allocated),
      bytesAllocatedPeak: n(e.peak),
      bytesAllocatedSum: e.sum.value as bigint,
      addressSpaceUsed: n(e.bumper) - n(e.base),
    };
  }
}
