// The digest memo in front of the hashing host functions: whatever mix of repeated, colliding,
// evicted and long inputs it sees, it returns exactly what the hash function computes, and the
// host functions (guest memory in, guest memory out) agree with the bare hash functions.
import { describe, expect, it } from 'vitest';
import { memoized, MEMO_MAX_INPUT } from '../../../runtime/host/hash-memo.js';
import * as h from '../../../runtime/host/hash-functions.js';
import { hashing } from '../../../runtime/host/hashing.js';
import { hex } from '../../support/fixtures.js';
import { hostContext } from '../../support/host-context.js';

/** Deterministic inputs: mostly short, drawn from a small alphabet so that many repeat. */
function* inputs(count: number): Generator<Uint8Array> {
  let s = 0x2545f491;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  for (let i = 0; i < count; i++) {
    const long = next() % 10 === 0;
    const len = long ? MEMO_MAX_INPUT + 1 + (next() % 64) : next() % (MEMO_MAX_INPUT + 1);
    const d = new Uint8Array(len);
    for (let k = 0; k < len; k++) d[k] = next() % 3;
    yield d;
  }
}

describe('hash memo', () => {
  it('returns the function digest for 30,000 repeated, colliding and evicted inputs', () => {
    const memo = memoized(h.blake2_128);
    let mismatches = 0;
    for (const d of inputs(30_000)) if (hex(memo(d)) !== hex(h.blake2_128(d))) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('a later call on other bytes does not change a digest returned before', () => {
    const memo = memoized(h.blake2_256);
    const a = Uint8Array.of(1, 2, 3);
    const first = hex(memo(a));
    for (const d of inputs(5_000)) memo(d);
    a[0] = 9; // the caller's bytes change: the memo kept its own copy of the key
    expect(hex(memo(Uint8Array.of(1, 2, 3)))).toBe(first);
    expect(hex(memo(a))).toBe(hex(h.blake2_256(a)));
  });

  it.each([
    ['twox_64', 8, (d: Uint8Array) => h.twox(d, 1)],
    ['twox_128', 16, (d: Uint8Array) => h.twox(d, 2)],
    ['twox_256', 32, (d: Uint8Array) => h.twox(d, 4)],
    ['blake2_128', 16, h.blake2_128],
    ['blake2_256', 32, h.blake2_256],
    ['keccak_256', 32, h.keccak_256],
  ] as const)('ext_hashing_%s agrees with the hash function, memo hits included', (name, n, fn) => {
    const t = hostContext({ pages: 8 });
    let mismatches = 0;
    for (const d of inputs(600)) {
      const ptr = t.call(hashing, `ext_hashing_${name}_version_1`, t.fat(d)) as number;
      if (hex(t.get(ptr, n)) !== hex(fn(d))) mismatches++;
      if (d.length > 0) t.ctx.allocator.deallocate(t.ctx.memory, ptr);
    }
    expect(mismatches).toBe(0);
  });
});
