// The undying-style PVF (examples/assembly/undying.ts) and its producer: chains validate to the
// producer's exact results, the work a block orders is really done (the returned post-state
// commits to a seal chained once per iteration, recomputed here independently), and the
// deliberate invalid blocks end in the reference's panics.
import { beforeAll, describe, expect, it } from 'vitest';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { UndyingChain, undyingBlock } from '../../../src/examples/undying-chain.js';
import { headData, INVALID_BLOCK_KINDS, type Candidate } from '../../../src/examples/candidate.js';
import { decodeValidationParams } from '../../../runtime/codec/validation.js';
import type { EngineOutcome } from '../../../runtime/engine/index.js';
import { exampleFromSource, summarize, validator } from '../../support/example-pvfs.js';

let run: (params: Uint8Array) => EngineOutcome;

beforeAll(async () => {
  run = validator(await exampleFromSource('undying'));
});

const expectedSummary = (c: Candidate) =>
  c.expected.kind === 'valid'
    ? { kind: 'valid', result: Buffer.from(c.expected.result).toString('hex') }
    : { kind: 'invalid', reason: 'unreachable', panic: c.expected.panic };

/** The post-state after one block of work from the zero genesis, computed by hand. */
function postStateByHand(graves: number, tombstones: number, iterations: number): Uint8Array {
  const graveyard = new Uint8Array(graves);
  let index = 0;
  let seal = new Uint8Array(32);
  // SCALE of GraveyardState: index u64 LE, Compact length + bytes, zombies u64 LE (0), seal.
  const encode = () => {
    const head = Buffer.alloc(8);
    head.writeBigUInt64LE(BigInt(index));
    const len = graves < 64 ? [graves << 2] : [((graves << 2) | 1) & 0xff, graves >> 6];
    return new Uint8Array([...head, ...len, ...graveyard, ...new Uint8Array(8), ...seal]);
  };
  for (let i = 0; i < iterations; i++) {
    for (let t = 0; t < tombstones; t++) {
      graveyard[index] = (graveyard[index]! + 1) & 0xff;
      index = (index + 1) % graves;
    }
    seal = keccak_256(encode());
  }
  return keccak_256(encode());
}

describe('undying example PVF', () => {
  it('validates a 20-block chain to exactly the producer results, invalid kinds included', () => {
    const chain = new UndyingChain({ graveyardSize: 100, work: { tombstones: 37, iterations: 5 } });
    const candidates: Candidate[] = [];
    for (let i = 0; i < 20; i++) {
      if (i % 10 === 3)
        for (const kind of INVALID_BLOCK_KINDS) candidates.push(chain.invalid(kind));
      candidates.push(chain.next());
    }
    const got = candidates.map((c) => [c.label, summarize(run(c.params))]);
    expect(got).toEqual(candidates.map((c) => [c.label, expectedSummary(c)]));
    expect(got.filter(([, s]) => (s as { kind: string }).kind === 'valid')).toHaveLength(20);
  });

  it.each([1, 10, 100])('seals the state once per iteration (%i iterations)', (iterations) => {
    const chain = new UndyingChain({
      graveyardSize: 300,
      work: { tombstones: 250, iterations },
    });
    const outcome = run(chain.next().params);
    if (outcome.kind !== 'valid') throw new Error(`expected valid, got ${outcome.message}`);
    // ValidationResult: Compact(72) (2 bytes), then HeadData; post_state is its last 32 bytes.
    const postState = outcome.result.subarray(2 + 40, 2 + 72);
    expect(postState).toEqual(postStateByHand(300, 250, iterations));
    expect(postState).not.toEqual(postStateByHand(300, 250, iterations - 1));
  });

  it('hashes states of every length from 49 to 450 bytes as @noble/hashes does', () => {
    // One reseal and no tombstones: the result commits to keccak256 over the whole state, whose
    // length walks across the 136-byte rate boundaries (135, 136, 137, 271, 272, ...).
    for (let graves = 0; graves <= 400; graves++) {
      const c = new UndyingChain({ graveyardSize: graves, work: { tombstones: 0, iterations: 1 } });
      const candidate = c.next();
      expect(summarize(run(candidate.params))).toEqual(expectedSummary(candidate));
    }
  });

  it('panics like Rust indexing an empty graveyard', () => {
    const c = new UndyingChain({ graveyardSize: 0, work: { tombstones: 1, iterations: 1 } }).next();
    expect(c.expected).toEqual({
      kind: 'invalid',
      panic: 'index out of bounds: the len is 0 but the index is 0',
    });
    expect(summarize(run(c.params))).toEqual(expectedSummary(c));
  });

  it('keeps only the low 32 bits of the index, as Rust on wasm32 does', () => {
    const state = {
      index: (1n << 32n) + 7n,
      graveyard: new Uint8Array(10),
      zombies: 3n,
      seal: new Uint8Array(32).fill(1),
    };
    const chain = new UndyingChain({ state, work: { tombstones: 5, iterations: 2 } });
    const c = chain.next();
    expect(chain.state.index).toBe(7n); // (7 + 10) % 10 after 10 tombstones from grave 7
    expect(chain.state.graveyard).toEqual(new Uint8Array([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(summarize(run(c.params))).toEqual(expectedSummary(c));
    // A graveyard of 3 with the index at 2^32 + 5: grave 5 is out of bounds.
    const out = new UndyingChain({
      state: { ...state, index: (1n << 32n) + 5n, graveyard: new Uint8Array(3) },
      work: { tombstones: 1, iterations: 1 },
    }).next();
    expect(out.expected).toEqual({
      kind: 'invalid',
      panic: 'index out of bounds: the len is 3 but the index is 5',
    });
    expect(summarize(run(out.params))).toEqual(expectedSummary(out));
  });

  it('encodes, without running it, a block that would outlast any budget', () => {
    const chain = new UndyingChain({ graveyardSize: 8 });
    const params = decodeValidationParams(chain.paramsFor({ tombstones: 4096, iterations: 4e9 }));
    expect(chain.head.number).toBe(0n);
    expect(params.parentHead).toEqual(headData.enc(chain.head));
    expect(undyingBlock.dec(params.blockData)).toEqual({
      state: chain.state,
      tombstones: 4096n,
      iterations: 4e9,
    });
  });

  it('refuses a work order it cannot encode', () => {
    expect(() => new UndyingChain({ work: { tombstones: -1, iterations: 1 } })).toThrow(RangeError);
    expect(() => new UndyingChain().next({ tombstones: 1, iterations: 2 ** 32 })).toThrow(
      /iterations must be a u32/,
    );
  });
});
