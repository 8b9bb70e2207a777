// A memo of digests of short inputs, in front of the hash functions the hashing host functions
// serve. Runtimes hash the same few short byte strings over and over: a full Asset Hub block
// calls `twox_128` ~150,000 times on about a hundred distinct pallet and item names (4-20
// bytes), and `blake2_128` ~33,000 times on a few thousand 32-byte account ids. A hit returns
// the digest computed before for the same bytes (compared byte for byte): the functions are
// pure, so the guest sees the same bytes either way, only sooner (README, Performance).
//
// Direct-mapped: a slot per FNV-1a hash of the input, a new input evicts the slot's old one, so
// memory is bounded (SLOTS inputs of at most MEMO_MAX_INPUT bytes) and no key is ever built: a
// string key per call (String.fromCharCode) cost more than half of what the memo saved.

/** Inputs longer than this are hashed every time: comparing them costs more than it saves. */
export const MEMO_MAX_INPUT = 32;
const SLOTS = 4096;

/**
 * `fn` with a memo for inputs of at most MEMO_MAX_INPUT bytes. The returned digest may be the
 * memo's own array: callers copy it out (into guest memory) and never modify it.
 */
export function memoized(fn: (data: Uint8Array) => Uint8Array): (data: Uint8Array) => Uint8Array {
  const keys: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(undefined);
  const digests: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(SLOTS).fill(
    undefined,
  );
  return (data) => {
    const n = data.byteLength;
    if (n > MEMO_MAX_INPUT) return fn(data);
    let h = 0x811c9dc5 ^ n;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
    const slot = (h >>> 0) & (SLOTS - 1);
    const key = keys[slot];
    if (key !== undefined && key.byteLength === n) {
      let same = true;
      for (let i = 0; i < n; i++)
        if (key[i] !== data[i]) {
          same = false;
          break;
        }
      if (same) return digests[slot]!;
    }
    const digest = fn(data);
    keys[slot] = data.slice();
    digests[slot] = digest;
    return digest;
  };
}
