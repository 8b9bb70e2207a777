// Our adder (examples/assembly/adder.ts) against Polkadot's adder blob: for the same params the
// same ValidationResult bytes, or the same trap with the same panic payload. The producer's
// expected outcomes are checked on every block too, so the chain proves all three agree.
import { beforeAll, describe, expect, it } from 'vitest';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { u64 } from 'scale-ts';
import { AdderChain, adderBlock, adderStateHash } from '../../../src/examples/adder-chain.js';
import {
  type Candidate,
  encodeParams,
  headData,
  INVALID_BLOCK_KINDS,
} from '../../../src/examples/candidate.js';
import type { EngineOutcome } from '../../../runtime/engine/index.js';
import { fixture, HAVE_FIXTURES, unhex } from '../../support/fixtures.js';
import {
  exampleFromSource,
  summarize,
  validator,
  type OutcomeSummary,
} from '../../support/example-pvfs.js';

type Run = (params: Uint8Array) => EngineOutcome;
let ours: Run;

beforeAll(async () => {
  ours = validator(await exampleFromSource('adder'));
});

const expectedSummary = (c: Candidate): OutcomeSummary =>
  c.expected.kind === 'valid'
    ? { kind: 'valid', result: Buffer.from(c.expected.result).toString('hex') }
    : { kind: 'invalid', reason: 'unreachable', panic: c.expected.panic };

/** A 200-block chain with every invalid kind tried at a few heights (the chain skips them). */
function chainWithInvalidBlocks(): Candidate[] {
  const chain = new AdderChain();
  const out: Candidate[] = [];
  for (let i = 1; i <= 200; i++) {
    if (i % 40 === 1) for (const kind of INVALID_BLOCK_KINDS) out.push(chain.invalid(kind));
    out.push(chain.next());
  }
  return out;
}

/** Params the producer never makes, on the edges of the decoding and arithmetic rules. */
function edgeCaseParams(): [string, Uint8Array][] {
  const state = (s: bigint) => adderStateHash(s);
  const head = (number: bigint, post: Uint8Array) =>
    headData.enc({ number, parentHash: new Uint8Array(32).fill(7), postState: post });
  const genesis = head(0n, state(0n));
  const block = adderBlock.enc({ state: 0n, add: 512n });
  const valid = encodeParams(genesis, block, 9);
  const tail = valid.subarray(2 + 72 + 1 + 16); // relay parent number and storage root
  const cat = (...parts: (Uint8Array | number[])[]) => new Uint8Array(parts.flatMap((p) => [...p]));
  const U64_MAX = (1n << 64n) - 1n;
  return [
    ['trailing bytes after the params', cat(valid, [1, 2, 3])],
    ['trailing bytes after the block data', encodeParams(genesis, cat(block, [5]), 9)],
    ['head number u64::MAX wraps', encodeParams(head(U64_MAX, state(0n)), block, 9)],
    [
      'state + add wraps',
      encodeParams(head(3n, state(U64_MAX)), adderBlock.enc({ state: U64_MAX, add: 2n }), 9),
    ],
    ['relay parent u32::MAX', encodeParams(genesis, block, 0xffffffff)],
    ['empty params', new Uint8Array()],
    ['one byte of params', new Uint8Array([0])],
    ['non-canonical 2-byte compact', cat([0x21, 0x01], genesis, [0x41, 0x00], block, tail)],
    ['non-canonical 4-byte compact', cat([0x22, 0x01, 0, 0], genesis, [0x40], block, tail)],
    ['non-canonical big compact', cat([0x03, 72, 0, 0, 0], genesis, [0x40], block, tail)],
    ['big compact with a long prefix', cat([0x07, 72, 0, 0, 0, 0], genesis, [0x40], block, tail)],
    ['length past the input', cat([0x03, 0xff, 0xff, 0xff, 0xff], genesis)],
    ['empty parent head', encodeParams(new Uint8Array(), block, 9)],
    ['empty block data', encodeParams(genesis, new Uint8Array(), 9)],
    ['parent head 200 bytes', encodeParams(cat(genesis, new Uint8Array(128)), block, 9)],
  ];
}

describe('our adder', () => {
  it('returns exactly what the producer expects on a 200-block chain and its invalid blocks', () => {
    const got = chainWithInvalidBlocks().map((c) => [c.label, summarize(ours(c.params))]);
    const want = chainWithInvalidBlocks().map((c) => [c.label, expectedSummary(c)]);
    expect(got).toEqual(want);
    expect(want.filter(([, s]) => (s as OutcomeSummary).kind === 'valid')).toHaveLength(200);
  });

  it('chains heads: each result head is the next block parent, numbered and hashed', () => {
    const chain = new AdderChain({ state: 5n });
    const first = chain.next(10n);
    const second = chain.next(20n);
    expect(chain.state).toBe(35n);
    expect(chain.head.number).toBe(2n);
    if (first.expected.kind !== 'valid' || second.expected.kind !== 'valid') throw new Error();
    expect(second.expected.head!.parentHash).toEqual(
      keccak_256(headData.enc(first.expected.head!)),
    );
    expect(first.expected.head!.postState).toEqual(keccak_256(u64.enc(15n)));
  });
});

describe.runIf(HAVE_FIXTURES)('our adder against the reference adder blob', () => {
  let reference: Run;
  beforeAll(() => {
    reference = validator(fixture('pvf/adder.wasm'));
  });

  it('agrees byte for byte on a 200-block chain and on every invalid kind', () => {
    const candidates = chainWithInvalidBlocks();
    const theirs = candidates.map((c) => [c.label, summarize(reference(c.params))]);
    const mine = candidates.map((c) => [c.label, summarize(ours(c.params))]);
    expect(mine).toEqual(theirs);
    // Not vacuous: both sides were valid on the chain and trapped on the deliberate blocks.
    const kinds = theirs.map(([, s]) => (s as OutcomeSummary).kind);
    expect(kinds.filter((k) => k === 'valid')).toHaveLength(200);
    expect(kinds.filter((k) => k === 'invalid')).toHaveLength(5 * INVALID_BLOCK_KINDS.length);
  });

  it('gives the published gossamer test vector its result', () => {
    const vector = JSON.parse(Buffer.from(fixture('vectors/adder-gossamer.json')).toString()) as {
      params: string;
      expectedResult: string;
    };
    expect(summarize(ours(unhex(vector.params)))).toEqual({
      kind: 'valid',
      result: vector.expectedResult.slice(2),
    });
  });

  it.each(edgeCaseParams())('agrees on %s', (_, params) => {
    const theirs = summarize(reference(params));
    expect(theirs.kind).not.toBe('internal-error');
    expect(summarize(ours(params))).toEqual(theirs);
  });

  it('panics with the reference text, in the reference log shape', () => {
    const c = new AdderChain().invalid('state-mismatch');
    const [a, b] = [reference(c.params), ours(c.params)];
    if (a.kind !== 'invalid' || b.kind !== 'invalid') throw new Error('expected traps');
    expect(a.message).toMatch(/^panicked at 'Executes block: StateMismatch', \S+:\d+:\d+$/);
    expect(b.message).toBe(
      "panicked at 'Executes block: StateMismatch', examples/assembly/lib/head.ts",
    );
    expect(b.logs).toEqual([{ level: 1, target: 'runtime', message: b.message }]);
    expect(a.logs.map((l) => [l.level, l.target])).toEqual([[1, 'runtime']]);
  });
});
