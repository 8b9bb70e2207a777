// The adder test parachain, run as Polkadot runs it: the published gossamer vector must come
// out byte for byte, and bad blocks must be invalid with the adder's own panic messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { prepare, validateBlock, type PreparedModule } from '../../../runtime/engine/index.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, hex, unhex } from '../../support/fixtures.js';

interface Vector {
  params: string;
  expectedResult: string;
}

const u64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return b;
};
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const vecU8 = (b: Uint8Array) =>
  cat(
    b.length < 64
      ? Uint8Array.of(b.length << 2)
      : Uint8Array.of(((b.length << 2) | 1) & 0xff, b.length >> 6),
    b,
  );

/** SCALE ValidationParams for the adder: parent head (number, parent hash, post state), block (state, add). */
function adderParams(
  parentNumber: bigint,
  parentState: bigint,
  blockState: bigint,
  add: bigint,
): Uint8Array {
  const head = cat(u64(parentNumber), new Uint8Array(32), keccak_256(u64(parentState)));
  const block = cat(u64(blockState), u64(add));
  return cat(vecU8(head), vecU8(block), Uint8Array.of(7, 0, 0, 0), new Uint8Array(32).fill(9));
}

describe.runIf(HAVE_FIXTURES)('adder on the engine', () => {
  let adder: PreparedModule;
  beforeAll(() => {
    const p = prepare(fixture('pvf/adder.wasm'));
    if (p.kind !== 'prepared') throw new Error(p.message);
    adder = p.prepared;
  });

  it('prepares with its own exported memory and no missing imports', () => {
    expect(adder.memory.kind).toBe('exported');
    expect(adder.missingImports).toEqual([]);
    expect(adder.entryPoints.get('validate_block')).toBe('ok');
    expect(adder.heapBase).toBe('ok');
  });

  it('reproduces the gossamer happy-path vector byte for byte', () => {
    const v = JSON.parse(
      readFileSync(join(FIXTURES_DIR, 'vectors/adder-gossamer.json'), 'utf8'),
    ) as Vector;
    const out = validateBlock(adder, unhex(v.params));
    expect(out.kind).toBe('valid');
    if (out.kind === 'valid') expect(hex(out.result)).toBe(v.expectedResult);
  });

  it('computes the next head of a block it builds itself', () => {
    const out = validateBlock(adder, adderParams(0n, 0n, 0n, 512n));
    expect(out.kind).toBe('valid');
    if (out.kind !== 'valid') return;
    // head_data: Vec<u8> of 72 bytes (compact 0x21 0x01), number 1, post state keccak(512).
    expect(hex(out.result.subarray(0, 2))).toBe('0x2101');
    expect(
      new DataView(out.result.buffer, out.result.byteOffset + 2, 8).getBigUint64(0, true),
    ).toBe(1n);
    expect(hex(out.result.subarray(42, 74))).toBe(hex(keccak_256(u64(512n))));
  });

  it('is invalid with the panic message `Executes block: StateMismatch` on a state mismatch', () => {
    const out = validateBlock(adder, adderParams(0n, 0n, 1n, 512n));
    expect(out).toMatchObject({ kind: 'invalid', reason: 'unreachable' });
    if (out.kind === 'invalid') {
      expect(out.message).toContain('Executes block: StateMismatch');
      expect(out.logs).toEqual([{ level: 1, target: 'runtime', message: out.message }]);
    }
  });

  it('is invalid with the panic message `Invalid input data` on truncated params', () => {
    const params = adderParams(0n, 0n, 0n, 512n);
    for (const cut of [0, 1, 10, params.length - 1]) {
      const out = validateBlock(adder, params.subarray(0, cut));
      expect(out).toMatchObject({ kind: 'invalid', reason: 'unreachable' });
      if (out.kind === 'invalid') expect(out.message).toContain('Invalid input data');
    }
  });

  it('runs every call in a fresh instance: an invalid call leaves nothing behind', () => {
    const good = adderParams(0n, 0n, 0n, 512n);
    const first = validateBlock(adder, good);
    validateBlock(adder, adderParams(0n, 0n, 1n, 512n));
    validateBlock(adder, new Uint8Array(3));
    expect(validateBlock(adder, good)).toEqual(first);
  });
});
