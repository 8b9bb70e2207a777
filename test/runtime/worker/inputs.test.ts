// The worker's params encoder writes exactly what the ValidationParams codec writes, at every
// compact-length width of both byte strings (1, 2 and 4 bytes; the big mode starts at 2^30,
// past any PoV the bomb limit lets through).
import { describe, expect, it } from 'vitest';
import { validationParams } from '../../../runtime/codec/validation.js';
import { encodeParams } from '../../../runtime/worker/inputs.js';

const filled = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('encodeParams', () => {
  it.each([0, 1, 63, 64, 16_383, 16_384, 1 << 20])('matches the codec for %i bytes', (n) => {
    const input = {
      kind: 'pov' as const,
      parentHead: filled(n % 300, 1),
      blockData: new Uint8Array(0),
      relayParentNumber: 0xfedcba98,
      relayParentStorageRoot: filled(32, 2),
    };
    const blockData = filled(n, 3);
    const ours = Buffer.from(encodeParams(input, blockData));
    const codec = Buffer.from(validationParams.enc({ ...input, blockData }));
    expect(ours.length).toBe(codec.length);
    expect(ours.equals(codec)).toBe(true);
  });
});
