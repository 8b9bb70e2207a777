// Tiny hand-assembled PVFs that misbehave, for the validation host's fault tests. Each exports
// `memory`, `__heap_base` and `validate_block: (i32, i32) -> i64`, like a real PVF.
import {
  funcType,
  I32,
  I64,
  memorySection,
  name,
  oneFunction,
  s32,
  s64,
  section,
  u32,
  vec,
} from './wasm-bytes.js';

const LOOP = [0x03, 0x40];
const END = 0x0b;
const BR = (depth: number) => [0x0c, ...u32(depth)];
const BR_IF = (depth: number) => [0x0d, ...u32(depth)];
const I32_CONST = (v: number) => [0x41, ...s32(v)];
const I64_CONST = (v: bigint) => [0x42, ...s64(v)];
const MEMORY_GROW = [0x40, 0x00];
const I32_NE = 0x47;
const I32_MUL = 0x6c;
const UNREACHABLE = 0x00;

function pvf(code: number[], locals?: [number, number][]): Uint8Array {
  return oneFunction({
    types: [funcType([I32, I32], [I64])],
    locals,
    middle: [
      memorySection(1),
      // global 0: immutable i32 __heap_base = 1024
      section(6, vec([[I32, 0x00, ...I32_CONST(1024), END]])),
      section(
        7,
        vec([
          [...name('memory'), 0x02, 0x00],
          [...name('__heap_base'), 0x03, 0x00],
          [...name('validate_block'), 0x00, 0x00],
        ]),
      ),
    ],
    code,
  });
}

/** `loop br 0 end`: never returns; only a timeout ends it. */
export const infiniteLoopPvf = (): Uint8Array => pvf([...LOOP, ...BR(0), END, ...I64_CONST(0n)]);

/** Grows memory one page at a time until refused, then traps (`unreachable`). */
export const memoryBombPvf = (): Uint8Array =>
  pvf([
    ...LOOP,
    ...I32_CONST(1),
    ...MEMORY_GROW,
    ...I32_CONST(-1),
    I32_NE,
    ...BR_IF(0),
    END,
    UNREACHABLE,
  ]);

/**
 * Grows memory to its limit writing to every 4 KiB of each new page (so all of it becomes
 * resident), then spins until killed.
 */
export const residentMemoryPvf = (): Uint8Array =>
  pvf(
    [
      ...LOOP,
      ...I32_CONST(1),
      ...MEMORY_GROW,
      ...[0x22, ...u32(2)], // local.tee 2: the old size in pages, or -1
      ...I32_CONST(-1),
      I32_NE,
      ...[0x04, 0x40], // if (grown)
      ...I32_CONST(0),
      ...[0x21, ...u32(3)], // local.set 3 = 0
      ...LOOP,
      ...[0x20, ...u32(2)], // local.get 2
      ...I32_CONST(65536),
      I32_MUL,
      ...[0x20, ...u32(3)], // local.get 3
      0x6a, // i32.add
      ...I32_CONST(1),
      ...[0x36, 0x02, 0x00], // i32.store
      ...[0x20, ...u32(3)],
      ...I32_CONST(4096),
      0x6a,
      ...[0x22, ...u32(3)], // local.tee 3
      ...I32_CONST(65536),
      0x49, // i32.lt_u
      ...BR_IF(0),
      END,
      END,
      ...BR(0),
      END,
      ...I64_CONST(0n),
    ],
    [[2, I32]],
  );

/** Returns the packed (ptr 0xfffffff0, len 0x7fffffff): a result range far outside memory. */
export const hostileResultPvf = (): Uint8Array => pvf([...I64_CONST(0x7fff_ffff_ffff_fff0n)]);
