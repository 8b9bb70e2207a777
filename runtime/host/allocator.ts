// sp-io `allocator` interface (substrate/primitives/io/src/lib.rs:3942–3952 @01e5c617, `trait
// Allocator`: `malloc` :3944, `free` :3949): the guest's heap lives in its own memory and is
// managed by the host's freeing-bump allocator (see ../engine/freeing-bump.ts for the exact
// semantics).
import { host, type HostFamily } from './context.js';

export const allocator: HostFamily = {
  /** `malloc(size: u32) -> Pointer<u8>`; failure traps ("Failed to allocate memory"). */
  ext_allocator_malloc_version_1: host(
    '(i32)->i32',
    (ctx, size: number) => ctx.allocator.allocate(ctx.memory, size >>> 0) | 0,
  ),
  /** `free(ptr: Pointer<u8>)`; a bad pointer traps ("Failed to deallocate memory"). */
  ext_allocator_free_version_1: host('(i32)->', (ctx, ptr: number) => {
    ctx.allocator.deallocate(ctx.memory, ptr >>> 0);
  }),
};
