// sp-runtime-interface's argument and return passing, host side. Arguments are read through
// the bounds-checked guest memory (a bad pointer traps); returned data is written into memory
// the host allocator allocates, as the reference's `Allocate*` return strategies do, so an
// exhausted heap traps the guest exactly where the reference's would.
import { packPtrLen, unpackPtrLen } from '../engine/memory.js';
import type { HostContext } from './context.js';

/** `PassFatPointerAndRead<&[u8]>`: a view of the bytes; do not keep it past the call. */
export function fatBytes(ctx: HostContext, packed: bigint, what: string): Uint8Array {
  const [ptr, len] = unpackPtrLen(packed);
  return ctx.memory.view(ptr, len, what);
}

/** `PassPointerAndRead<&[u8; N], N>`: a view of `n` bytes at `ptr`. */
export function fixedBytes(ctx: HostContext, ptr: number, n: number, what: string): Uint8Array {
  return ctx.memory.view(ptr, n, what);
}

/** `AllocateAndReturnPointer<[u8; N], N>`: copies `bytes` to a fresh allocation, returns its pointer. */
export function returnPointer(ctx: HostContext, bytes: Uint8Array): number {
  const ptr = ctx.allocator.allocate(ctx.memory, bytes.byteLength);
  ctx.memory.write(ptr, bytes);
  return ptr | 0;
}

/** `AllocateAndReturnFatPointer` / `AllocateAndReturnByCodec`: the encoded bytes as `ptr | len << 32`. */
export function returnFat(ctx: HostContext, bytes: Uint8Array): bigint {
  const ptr = ctx.allocator.allocate(ctx.memory, bytes.byteLength);
  ctx.memory.write(ptr, bytes);
  return packPtrLen(ptr, bytes.byteLength);
}
