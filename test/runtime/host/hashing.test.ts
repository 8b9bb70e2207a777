// Hashing host functions: known answers through the real calling convention (fat pointer in,
// pointer to a host-allocated digest out), and hostile pointers trapping cleanly.
import { describe, expect, it } from 'vitest';
import { HostTrap } from '../../../runtime/engine/traps.js';
import { hashing } from '../../../runtime/host/hashing.js';
import { hex } from '../../support/fixtures.js';
import { hostContext } from '../../support/host-context.js';

const t = new TextEncoder();
const digest = (name: string, data: Uint8Array, len: number) => {
  const h = hostContext();
  const ptr = h.call(hashing, `ext_hashing_${name}_version_1`, h.fat(data)) as number;
  return hex(h.get(ptr, len));
};

describe('hashing known answers', () => {
  it.each([
    ['twox_64', '', 8, '0x99e9d85137db46ef'],
    ['twox_128', 'System', 16, '0x26aa394eea5630e07c48ae0c9558cef7'],
    ['twox_128', 'Balances', 16, '0xc2261276cc9d1f8598ea4b6a74b15c2f'],
    ['blake2_128', '', 16, '0xcae66941d9efbd404e4d88758ea67670'],
    ['blake2_256', '', 32, '0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8'],
    ['keccak_256', '', 32, '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470'],
    ['sha2_256', 'abc', 32, '0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'keccak_512',
      '',
      64,
      '0x0eab42de4c3ceb9235fc91acffe746b29c29a8c366b7c60e4e67c466f36a4304c00fa9caf9d87976ba469bcbe06713b435f091ef2769fb160cdab33d3670680e',
    ],
  ])('%s(%j)', (name, input, len, expected) => {
    expect(digest(name, t.encode(input), len)).toBe(expected);
  });

  it('twox_256 is xxhash64 with seeds 0..3, so it extends twox_128', () => {
    const d = t.encode('System');
    expect(digest('twox_256', d, 32).slice(0, 34)).toBe(digest('twox_128', d, 16));
  });

  it('hashes large inputs in place (1 MiB of guest memory)', () => {
    const h = hostContext({ pages: 40 });
    const big = new Uint8Array(1 << 20).fill(7);
    h.ctx.memory.write(1 << 20, big);
    const ptr = h.call(
      hashing,
      'ext_hashing_blake2_256_version_1',
      BigInt(1 << 20) | (BigInt(1 << 20) << 32n),
    );
    expect(h.get(ptr as number, 32)).toHaveLength(32);
  });
});

describe('hostile pointers trap as out-of-bounds', () => {
  const trapOf = (packed: bigint) => {
    const h = hostContext();
    try {
      h.call(hashing, 'ext_hashing_blake2_256_version_1', packed);
    } catch (e) {
      return e;
    }
    return undefined;
  };
  it.each([
    ['past the end', 0xfff0n | (0x1000000n << 32n)],
    ['near 2^32', 0xfffffff0n | (0x100n << 32n)],
    ['length 2^32-1', 0x10n | (0xffffffffn << 32n)],
    ['negative i64', -1n],
  ])('%s', (_, packed) => {
    const e = trapOf(packed);
    expect(e).toBeInstanceOf(HostTrap);
    expect((e as HostTrap).reason).toBe('out-of-bounds');
  });

  it('an empty range at the very end of memory is fine (like checked_range)', () => {
    const h = hostContext({ pages: 4 });
    expect(() =>
      h.call(hashing, 'ext_hashing_blake2_256_version_1', BigInt(4 * 65536)),
    ).not.toThrow();
  });
});
