// The guest-memory gateway when the guest grows its memory itself (`memory.grow` in wasm, which
// detaches the buffer the host holds views of): the next host access sees the new size and the
// new bytes, and ranges are still checked against the size as it is now.
import { describe, expect, it } from 'vitest';
import { GuestMemory, packPtrLen, unpackPtrLen } from '../../../runtime/engine/memory.js';
import { HostTrap } from '../../../runtime/engine/traps.js';

describe('GuestMemory after a growth it did not make', () => {
  it('sees the new size, reads and writes the new pages, refuses past them', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const gm = new GuestMemory(memory);
    expect(gm.size).toBe(65536);
    expect(() => gm.view(65536, 8)).toThrow(HostTrap);
    memory.grow(1); // as the guest's memory.grow would: the host's views are detached now
    new Uint8Array(memory.buffer).set([1, 2, 3, 4], 65536);
    expect(gm.size).toBe(2 * 65536);
    expect([...gm.view(65536, 4)]).toEqual([1, 2, 3, 4]);
    gm.write(2 * 65536 - 4, Uint8Array.of(9, 9, 9, 9));
    expect(gm.readU32(2 * 65536 - 4)).toBe(0x09090909);
    expect(() => gm.view(2 * 65536 - 3, 4)).toThrow(HostTrap);
  });

  it('a zero-page memory grown by the guest is seen too', () => {
    const memory = new WebAssembly.Memory({ initial: 0, maximum: 2 });
    const gm = new GuestMemory(memory);
    expect(gm.size).toBe(0);
    memory.grow(1);
    expect(gm.size).toBe(65536);
    expect(gm.view(0, 16)).toHaveLength(16);
  });
});

describe('fat pointers', () => {
  it.each([
    [0, 0],
    [1, 2],
    [0x7fffffff, 0x80000000],
    [0xffffffff, 0xffffffff],
    [0x12345678, 0x9abcdef0],
  ])('(%i, %i) round-trips through the i64 the guest sees', (ptr, len) => {
    const packed = packPtrLen(ptr, len);
    expect(packed).toBe(BigInt.asIntN(64, (BigInt(len) << 32n) | BigInt(ptr)));
    expect(unpackPtrLen(packed)).toEqual([ptr, len]);
  });
});
