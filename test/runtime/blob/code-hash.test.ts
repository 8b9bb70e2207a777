import { describe, expect, it } from 'vitest';
import { codeHash, codeHashHex } from '../../../runtime/blob/code-hash.js';
import { fixture, HAVE_FIXTURES, hex } from '../../support/fixtures.js';

describe('code hash (BLAKE2b-256 of the blob as submitted)', () => {
  it('matches the BLAKE2b-256 test vectors', () => {
    expect(codeHashHex(new Uint8Array())).toBe(
      '0x0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8',
    );
    expect(codeHashHex(new TextEncoder().encode('abc'))).toBe(
      '0xbddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319',
    );
  });

  it('is 32 bytes and agrees with its hex form', () => {
    const b = new Uint8Array([1, 2, 3]);
    expect(codeHash(b)).toHaveLength(32);
    expect(hex(codeHash(b))).toBe(codeHashHex(b));
  });

  // Expected values computed independently (Python's hashlib.blake2b, digest_size=32).
  it.runIf(HAVE_FIXTURES).each([
    ['pvf/adder.wasm', '0xd7d82e716d8ca4366ab441c2625878dd148ed961d0ae8bf9f71af2b2f6583f24'],
    [
      'pvf/template-parachain.compact.compressed.wasm',
      '0xdf4407b9e02ba73a3de4bba404427f021f8126c56f7533b06eccbfe4c0daf476',
    ],
    [
      'pvf/moonbase-4300.compact.compressed.wasm',
      '0xaf69406915a50fdee99772417b67659e8b45bb27a39674dc019ece43319df17b',
    ],
  ])('hashes %s as submitted (compressed form)', (file, expected) => {
    const blob = fixture(file);
    expect(codeHashHex(blob)).toBe(expected);
  });
});
