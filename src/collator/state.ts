// A parachain's whole state as key/value pairs, with a recorder of the keys a block touches:
// what the block's storage proof must cover. Keys are lowercase hex without `0x`, whose string
// order is the byte order of the keys.
import type { StateReader } from './peer.js';
import { fromHex } from './scale.js';
import { type StateVersion, Trie } from './trie.js';

export class ChainState {
  readonly #entries: Map<string, Uint8Array>;
  #sorted: string[] | undefined;
  #trie: Trie | undefined;

  constructor(
    entries: Iterable<readonly [string, Uint8Array]>,
    readonly version: StateVersion,
  ) {
    this.#entries = new Map(entries);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Uint8Array | undefined {
    return this.#entries.get(key);
  }

  /** The state's trie (built once per state). */
  trie(): Trie {
    this.#trie ??= new Trie(
      [...this.#entries].map(([k, v]) => [fromHex(k), v] as const),
      this.version,
    );
    return this.#trie;
  }

  /** The first key strictly after `key`, if any. */
  after(key: string): string | undefined {
    const keys = (this.#sorted ??= [...this.#entries.keys()].sort());
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid]! <= key) lo = mid + 1;
      else hi = mid;
    }
    return keys[lo];
  }

  /** A new state with `diff` applied (null removes a key). */
  apply(diff: ReadonlyMap<string, Uint8Array | null>): ChainState {
    const next = new Map(this.#entries);
    for (const [k, v] of diff) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return new ChainState(next, this.version);
  }

  entries(): IterableIterator<[string, Uint8Array]> {
    return this.#entries.entries();
  }
}

/** Reads from a state and records every key read, every next-key step and its answer. */
export class RecordingReader implements StateReader {
  readonly touched = new Set<string>();

  constructor(private readonly state: ChainState) {}

  get(key: string): Uint8Array | undefined {
    this.touched.add(key);
    return this.state.get(key);
  }

  nextKey(prefix: string, key: string): string | undefined {
    this.touched.add(key);
    const next = this.state.after(key);
    if (next !== undefined) this.touched.add(next);
    return next !== undefined && next.startsWith(prefix) ? next : undefined;
  }
}
