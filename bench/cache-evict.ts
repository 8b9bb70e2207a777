// Evicting the CPU caches between timed runs: a write to every cache line of twice the
// last-level cache of the machines measured here (32 MiB, shared by the cores). A first
// validation after prepare finds caches the compile filled with other things, and a validator's
// worker meets each block after seconds of other work; runs back to back find theirs cached.

const EVICT_BYTES = 64 << 20;

/**
 * A function that evicts the caches, with its buffer allocated now: a large allocation counts
 * towards V8's external memory, whose pressure starts a collection, so callers make it before
 * what they time.
 */
export function cacheEvicter(): () => void {
  const buffer = new Uint8Array(EVICT_BYTES).fill(1);
  return () => {
    for (let i = 0; i < buffer.length; i += 64) buffer[i]!++;
  };
}
