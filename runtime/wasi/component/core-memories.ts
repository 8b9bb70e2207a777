// The linear memory of a component's core modules, recycled between validations like a
// Substrate PVF's (../../engine/memory-pool.ts). At prepare, a core module that defines its
// memory has it turned into an import with the capped limits (the engine's memory rewrite,
// ../../engine/memory-setup.ts); jco's glue instantiates the core modules through
// `instantiate` below, which supplies that import with a zeroed memory from the module's pool.
// After the validation, `releaseAll` gives every memory back (its instance never runs again).
import type { MemoryPool } from '../../engine/memory-pool.js';

/** Where a rewritten core module imports its memory from, and the pool that supplies it. */
export interface CoreMemory {
  readonly module: string;
  readonly name: string;
  readonly pool: MemoryPool;
}

export class CoreMemories {
  private taken: [MemoryPool, WebAssembly.Memory][] = [];

  constructor(private readonly byModule: ReadonlyMap<WebAssembly.Module, CoreMemory>) {}

  /** jco's `instantiateCore`: a module whose memory was rewritten gets one from its pool. */
  readonly instantiate = (
    module: WebAssembly.Module,
    imports?: WebAssembly.Imports,
  ): WebAssembly.Instance => {
    const memory = this.byModule.get(module);
    if (memory === undefined) return new WebAssembly.Instance(module, imports);
    const m = memory.pool.take();
    this.taken.push([memory.pool, m]);
    const ns = { ...imports?.[memory.module], [memory.name]: m };
    return new WebAssembly.Instance(module, { ...imports, [memory.module]: ns });
  };

  /** Gives back the memories of the validation that ended (one validation at a time). */
  releaseAll(): void {
    const taken = this.taken;
    this.taken = [];
    for (const [pool, m] of taken) pool.release(m);
  }
}
