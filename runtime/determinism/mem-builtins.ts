// The guest's own memcpy, memmove and memset, given a bulk-memory fast path, and its memcmp a
// word-at-a-time one.
//
// A Rust runtime built for wasm32 without the bulk-memory feature (every Cumulus runtime: the
// reference refuses bulk memory, features.ts) carries compiler_builtins' `mem` functions:
// loops over 4-byte words and bytes. A full Asset Hub block spends a fifth of its CPU in
// `memcpy` alone. The reference runs the same loops compiled by Cranelift; V8 compiles them
// into code several times slower than its own `memory.copy`, which is a call to the host's
// memmove.
//
// What the rewrite does: a defined function whose type is (i32, i32, i32) -> i32 and whose
// body (locals and code, byte for byte) is one of the bodies below gets a prefix before its
// original code. When n != 0 and every byte it touches is inside the memory (x + n <= the
// memory's size, summed in i64; in a 4 GiB memory, below its last page):
//   memcpy(d, s, n):  if [d, d+n) and [s, s+n) are also disjoint: memory.copy(d, s, n)
//   memmove(d, s, n): memory.copy(d, s, n)
//   memset(d, c, n):  memory.fill(d, c, n)
// then returns d. Every other call runs the original code unchanged.
//
// memcmp: compiler_builtins' `compare_bytes` is a loop over single bytes that returns
// `a[i] - b[i]` (each zero-extended) at the first i where they differ, or 0. Runtimes call it
// on storage keys that share their first 32 bytes (two twox_128 prefixes): the B-tree of a
// block's storage changes (sp-state-machine `OverlayedChanges`) runs it over those prefixes on
// every lookup. Its prefix, under the same bound (n != 0, both ranges inside the memory):
//   while n >= 8 and the 8 bytes at a and at b are equal (two i64 loads): a, b += 8, n -= 8
//   then the byte loop itself on what is left: the first differing byte is within the next 8
// and returns the same `a[i] - b[i]`, or 0 when n reaches 0. It reads what the loop reads, or
// less (no byte past the first difference's word), writes nothing, and reuses the three
// parameters as its only variables.
//
// Why the guest cannot tell (each known body was read, and test/runtime/determinism/
// mem-builtins.test.ts runs it against its fast path from every alignment and length class,
// overlapping or not, at both ends of memory, past them and across 2^32):
// - Only in-bounds, non-empty calls take the fast path, so it never traps, and neither do the
//   loops on those calls; and as every pointer the loops compute then stays below 2^32, none
//   wraps. Out of bounds, the loops do what they do: they compute end pointers
//   with wrapping i32 arithmetic, so for example memset(65536, c, 2^32 - 1) stores nothing
//   and returns where memory.fill would trap. The test found that one; the bound keeps it.
// - The result: each body is a correct copy or fill. For disjoint in-bounds ranges every
//   correct copy leaves memory the same: dst[i] = src[i] for i < n and nothing else written.
//   memmove is correct for every overlap, so any correct memmove agrees. memset stores the
//   low byte of c, as memory.fill does. Overlapping memcpy, whose result depends on the
//   loop's order, keeps the loop.
// - The deterministic stack limit: costs are charged at call sites and computed on the
//   original bodies (stack-cost.ts), and the known bodies call nothing, so every charge and
//   every logical stack overflow stays where it was. The prefix needs no locals.
// - memcmp reads only, inside both ranges; equal words mean equal bytes, so the first
//   differing byte and its difference are the loop's.
// - Time: only shorter.
//
// Not every compiler_builtins body qualifies. Moonbase 4300's memcpy and memmove (SHA-256
// 2c4b5cab… and f176b817…) keep a word in a scratch slot 16 bytes below the shadow stack
// pointer on their misaligned paths: memory outside both ranges, which the guest can read
// afterwards. A fast path would leave that slot unwritten, so they keep their loops (the test
// shows the slot written).
//
// The bodies are recognised by their SHA-256 only: names are the code's own and untrusted,
// and a body that differs in one byte is left alone (correct, only slower). The list holds
// the compiler_builtins versions found in the Cumulus runtimes and the adder at hand; a
// runtime built with another toolchain keeps its loops until its bodies are added here with
// a test.
import { createHash } from 'node:crypto';
import type { WasmModule } from '../wasm/types.js';

export type MemBuiltin = 'memcpy' | 'memmove' | 'memset' | 'memcmp';

/** SHA-256 of the body (locals and code, without the size prefix) → what it is. */
export const KNOWN_MEM_BUILTINS: ReadonlyMap<string, MemBuiltin> = new Map<string, MemBuiltin>([
  // compiler_builtins::mem::memcpy
  ['06e9b13b57c23ee1766796c5b33aef25f74705a2e3600dd348a1c2e74069e10e', 'memcpy'], // asset-hub-kusama
  ['b3bd5df909cac86c1b056377d83359d2fe0acfa83762c121b240f2927403af14', 'memcpy'], // acala-2101
  ['2ceaeee72334db58db010ed867b3f5d58bf540bf5e5f206e52b9bc9a956bed7d', 'memcpy'], // shibuya-118
  ['c3913f3abbac98f6d6e13e70ec6a76f30b6b43194b4836b2f3d7c3cc982a7727', 'memcpy'], // template, adder
  // compiler_builtins::mem::memmove
  ['7e68352c9593d5b59c7ba164b4d14f4958bf50c4edd7ddc1c616ab54e674abc0', 'memmove'], // asset-hub-kusama
  ['8543436cd1bde6ca5d17deb53e2a76112c3260079c287c04b7e3ccc72249385d', 'memmove'], // acala-2101
  ['baa06536b1667f6776a6a703aa91053090eb04e27cd4433b7bfbbaa2583b3ff5', 'memmove'], // shibuya-118
  ['82c638affbc229c820fbab001d944df425ac1ebad826862dc8254c6e64e67732', 'memmove'], // template
  // compiler_builtins::mem::memset
  ['2c1592975962cf0f9b336d7075a1b3296438b6175eb1b2ef9cf3be70e95e69eb', 'memset'], // asset-hub-kusama
  ['ecbe5a30ab5f40272a4ff2050e224deebb8e160591c3841278cb9c44083707f8', 'memset'], // acala, shibuya, template, adder
  ['9139fd88ccfc71202f491cfc425e503c0ec13782429ea5945426ffe43de7cb5a', 'memset'], // moonbase-4300
  // compiler_builtins::mem::memcmp (`compare_bytes`)
  ['8a7896194075d32979c909daaa24036435db76c8eeb3766d287fc9a46a1c7d93', 'memcmp'], // acala, template, adder
  ['6cb9d116cdcbb0bc0076c22fbf30a70351d5f40e8e19028fbc4bc36ba455f158', 'memcmp'], // asset-hub-kusama, moonbase, shibuya
]);

/** Body lengths of the known bodies: most functions are ruled out without hashing. */
export const KNOWN_MEM_BUILTIN_LENGTHS: ReadonlySet<number> = new Set([
  322, 321, 317, 316, 688, 681, 678, 181, 426, 74, 75,
]);

/**
 * The defined functions (index into the code section) whose bodies are known mem builtins.
 * @param typeOf the type index of every function, imported ones first
 */
export function findMemBuiltins(
  m: WasmModule,
  typeOf: ArrayLike<number>,
  importedFuncs: number,
): Map<number, MemBuiltin> {
  const found = new Map<number, MemBuiltin>();
  for (let k = 0; k < m.code.length; k++) {
    const body = m.code[k]!;
    if (!KNOWN_MEM_BUILTIN_LENGTHS.has(body.end - body.start)) continue;
    const type = m.types[typeOf[importedFuncs + k]!];
    if (
      type === undefined ||
      type.params.length !== 3 ||
      type.params.some((p) => p !== 'i32') ||
      type.results.length !== 1 ||
      type.results[0] !== 'i32'
    )
      continue;
    const digest = createHash('sha256')
      .update(m.bytes.subarray(body.start, body.end))
      .digest('hex');
    const kind = KNOWN_MEM_BUILTINS.get(digest);
    if (kind !== undefined) found.set(k, kind);
  }
  return found;
}

// local.get 0 i64.extend_i32_u, and the others
const D64 = [0x20, 0, 0xad];
const S64 = [0x20, 1, 0xad];
const N64 = [0x20, 2, 0xad];
/**
 * The fast path's bound in bytes, as i64: the memory's size, except that a 4 GiB memory
 * (65,536 pages) leaves out its last page, so that no pointer the loops compute near the end
 * of a range (rounded up to a word) can reach 2^32 and wrap:
 * `((pages - (pages >> 16)) << 16)`, with `pages = memory.size 0` extended to i64.
 */
export const LIMIT64: readonly number[] = [
  ...[0x3f, 0, 0xad], // pages
  ...[0x3f, 0, 0xad, 0x42, 16, 0x88], // pages >> 16: 1 at 65,536 pages, else 0
  0x7d, // i64.sub
  ...[0x42, 16, 0x86], // << 16
];
/** `x + n <= limit` for x = d or s, in i64 (no wrap) */
const inBounds = (x64: number[]) => [...x64, ...N64, 0x7c, ...LIMIT64, 0x58];
const ARGS = [0x20, 0, 0x20, 1, 0x20, 2];
const IF = [0x04, 0x40];
/** `local.get 0  return  end` */
const RETURN_D = [0x20, 0, 0x0f, 0x0b];
/** `local.set x (local.get x + k)` for k = 1 or 8, on each of a, b; and n - k */
const advance = (k: number) => [
  ...[0x20, 0, 0x41, k, 0x6a, 0x21, 0], // a += k
  ...[0x20, 1, 0x41, k, 0x6a, 0x21, 1], // b += k
  ...[0x20, 2, 0x41, k, 0x6b, 0x21, 2], // n -= k
];
const BYTE_A = [0x20, 0, 0x2d, 0, 0]; // local.get 0  i32.load8_u align=1
const BYTE_B = [0x20, 1, 0x2d, 0, 0];

/** The fast path placed before the original code (after the locals). */
export const FAST_PATH: Readonly<Record<MemBuiltin, Uint8Array>> = {
  memcpy: Uint8Array.of(
    ...[0x20, 2, ...IF], // n != 0
    ...inBounds(D64),
    ...inBounds(S64),
    0x71, // i32.and
    ...[...D64, ...N64, 0x7c, ...S64, 0x58], // d + n <= s
    ...[...S64, ...N64, 0x7c, ...D64, 0x58], // s + n <= d
    0x72, // i32.or: disjoint
    0x71, // i32.and
    ...IF,
    ...ARGS,
    ...[0xfc, 0x0a, 0, 0], // memory.copy 0 0
    ...RETURN_D,
    0x0b,
  ),
  memmove: Uint8Array.of(
    ...[0x20, 2, ...IF],
    ...inBounds(D64),
    ...inBounds(S64),
    0x71,
    ...IF,
    ...ARGS,
    ...[0xfc, 0x0a, 0, 0],
    ...RETURN_D,
    0x0b,
  ),
  memset: Uint8Array.of(
    ...[0x20, 2, ...IF],
    ...inBounds(D64),
    ...IF,
    ...ARGS,
    ...[0xfc, 0x0b, 0], // memory.fill 0
    ...RETURN_D,
    0x0b,
  ),
  // (a, b, n) are locals 0, 1, 2, as d, s, n above.
  memcmp: Uint8Array.of(
    ...[0x20, 2, ...IF], // n != 0
    ...inBounds(D64),
    ...inBounds(S64),
    0x71, // i32.and
    ...IF,
    ...[0x02, 0x40], // block: the words
    ...[0x03, 0x40], // loop
    ...[0x20, 2, 0x41, 8, 0x49, 0x0d, 1], // n < 8: br_if out
    ...[0x20, 0, 0x29, 0, 0, 0x20, 1, 0x29, 0, 0, 0x52, 0x0d, 1], // i64.load a != i64.load b: out
    ...advance(8),
    ...[0x0c, 0, 0x0b, 0x0b], // br loop, end, end
    ...[0x03, 0x40], // loop: the bytes
    ...[0x20, 2, 0x45, ...IF, 0x41, 0, 0x0f, 0x0b], // n == 0: return 0
    ...BYTE_A,
    ...BYTE_B,
    0x47, // i32.ne
    ...IF,
    ...BYTE_A,
    ...BYTE_B,
    ...[0x6b, 0x0f, 0x0b], // return a[0] - b[0]
    ...advance(1),
    ...[0x0c, 0, 0x0b], // br loop, end
    ...[0x0b, 0x0b], // end if, end if
  ),
};
