// A bounded least-recently-used map of compiled modules, keyed by code hash + executor
// params: a validation of known code pays no compile. Compiled runtimes are large (tens of
// MiB of machine code each), hence the bound.
import type { WireExecutorParams } from '../protocol/messages.js';

/** The cache key of a module: its code hash and every executor option it was compiled with. */
export function moduleKey(codeHash: Uint8Array, p: WireExecutorParams): string {
  return `${Buffer.from(codeHash.buffer, codeHash.byteOffset, codeHash.length).toString('hex')}:${p.maxMemoryPages}:${p.maxLogBytes}:${p.maxLogLevel}:${p.stackLogicalMax}`;
}

export class LruCache<V> {
  // A Map iterates in insertion order; re-inserting on every hit keeps the oldest first.
  private readonly map = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
    }
  }

  /** Whether `key` is cached (does not count as a use). */
  has(key: string): boolean {
    return this.map.has(key);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }
}
