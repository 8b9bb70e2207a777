// A small assembler for function bodies written as WebAssembly text instructions, one per line
// (the flat form of the text format, WebAssembly Core Specification 2.0 §6.5), for the few
// modules the host assembles itself. It knows exactly the instructions those modules use: an
// unknown one throws, so a typo cannot become a different instruction.
import type { Writer } from './writer.js';

/** Names the text may use for indices, written `$name`. */
export interface AsmNames {
  readonly locals?: Readonly<Record<string, number>>;
  readonly globals?: Readonly<Record<string, number>>;
  readonly funcs?: Readonly<Record<string, number>>;
}

// Instructions without immediates (§5.4).
const PLAIN: Readonly<Record<string, number>> = {
  unreachable: 0x00,
  else: 0x05,
  end: 0x0b,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  'i32.eqz': 0x45,
  'i64.eqz': 0x50,
  'i32.eq': 0x46,
  'i32.ne': 0x47,
  'i32.lt_u': 0x49,
  'i32.gt_u': 0x4b,
  'i32.ge_u': 0x4f,
  'i64.gt_u': 0x56,
  'i32.le_u': 0x4d,
  'i64.lt_u': 0x54,
  'i64.ge_u': 0x5a,
  'i32.clz': 0x67,
  'i32.add': 0x6a,
  'i32.sub': 0x6b,
  'i32.and': 0x71,
  'i32.or': 0x72,
  'i64.add': 0x7c,
  'i64.sub': 0x7d,
  'i64.shl': 0x86,
  'i64.shr_u': 0x88,
  'i64.mul': 0x7e,
  'i64.xor': 0x85,
  'i64.rotl': 0x89,
  'i32.wrap_i64': 0xa7,
  'i64.extend_i32_u': 0xad,
};

// Instructions with one index immediate (branches: a label's relative depth, digits only).
const INDEXED: Readonly<Record<string, readonly [opcode: number, space: keyof AsmNames]>> = {
  call: [0x10, 'funcs'],
  'local.get': [0x20, 'locals'],
  'local.set': [0x21, 'locals'],
  'local.tee': [0x22, 'locals'],
  'global.get': [0x23, 'globals'],
  'global.set': [0x24, 'globals'],
};

// Loads and stores: opcode and natural alignment (log2).
const MEMORY: Readonly<Record<string, readonly [opcode: number, align: number]>> = {
  'i32.load': [0x28, 2],
  'i64.load': [0x29, 3],
  'i64.load8_u': [0x31, 0],
  'i64.load32_u': [0x35, 2],
  'i32.store': [0x36, 2],
  'i64.store': [0x37, 3],
};

/** Appends the instructions of `text` to `w`; blocks, loops and ifs have no result. */
export function asm(w: Writer, text: string, names: AsmNames = {}): void {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;;.*/, '').trim();
    if (line === '') continue;
    const [op, ...args] = line.split(/\s+/) as [string, ...string[]];
    const fail = (why: string): never => {
      throw new Error(`asm: ${why}: ${line}`);
    };
    const index = (token: string | undefined, space: keyof AsmNames): number => {
      if (token === undefined) return fail('missing immediate');
      if (/^\d+$/.test(token)) return Number(token);
      const n = token.startsWith('$') ? names[space]?.[token.slice(1)] : undefined;
      return n ?? fail(`unknown name ${token}`);
    };
    const label = (token: string): number =>
      /^\d+$/.test(token) ? Number(token) : fail(`a label is a depth: ${token}`);
    const plain = PLAIN[op];
    if (plain !== undefined) {
      if (args.length > 0) fail('unexpected immediate');
      w.u8(plain);
    } else if (op === 'block' || op === 'loop' || op === 'if') {
      if (args.length > 0) fail('only blocks without a result are supported');
      w.u8(op === 'block' ? 0x02 : op === 'loop' ? 0x03 : 0x04);
      w.u8(0x40);
    } else if (op === 'br_table') {
      if (args.length < 1) fail('br_table needs a default label');
      w.u8(0x0e);
      w.u32(args.length - 1);
      for (const a of args) w.u32(label(a));
    } else if (op === 'br' || op === 'br_if') {
      if (args.length !== 1) fail('expected one label');
      w.u8(op === 'br' ? 0x0c : 0x0d);
      w.u32(label(args[0]!));
    } else if (op in INDEXED) {
      const [opcode, space] = INDEXED[op]!;
      if (args.length !== 1) fail('expected one immediate');
      w.u8(opcode);
      w.u32(index(args[0], space));
    } else if (op === 'i32.const') {
      if (args.length !== 1 || !/^-?\d+$/.test(args[0]!)) fail('expected an integer');
      w.u8(0x41);
      w.i32(Number(args[0]));
    } else if (op === 'i64.const') {
      if (args.length !== 1 || !/^(-?\d+|0x[0-9a-fA-F]+)$/.test(args[0]!))
        fail('expected an integer');
      w.u8(0x42);
      w.i64(BigInt(args[0]!));
    } else if (op in MEMORY) {
      const [opcode, align] = MEMORY[op]!;
      let offset = 0;
      for (const a of args) {
        const m = /^offset=(\d+)$/.exec(a);
        if (m === null) fail(`unknown memory argument ${a}`);
        offset = Number(m![1]);
      }
      w.u8(opcode);
      w.u32(align);
      w.u32(offset);
    } else if (op === 'memory.size' || op === 'memory.grow') {
      if (args.length > 0) fail('unexpected immediate');
      w.u8(op === 'memory.size' ? 0x3f : 0x40);
      w.u8(0x00);
    } else {
      fail('unknown instruction');
    }
  }
}
