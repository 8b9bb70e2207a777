// The collator side of the undying example PVF: like the adder's chain, but each block carries
// the whole graveyard state and a work order (tombstones × iterations), which the producer
// executes itself to know the head the PVF must return. Mirrors
// polkadot/parachain/test-parachains/undying/src/lib.rs (`execute_transaction`).
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Bytes, type CodecType, Struct, u32, u64 } from 'scale-ts';
import type { Candidate, HeadData, InvalidBlockKind } from './candidate.js';
import { ChainTip } from './chain-tip.js';

/** `GraveyardState { index: u64, graveyard: Vec<u8>, zombies: u64, seal: [u8; 32] }`. */
export const graveyardState = Struct({
  index: u64,
  graveyard: Bytes(),
  zombies: u64,
  seal: Bytes(32),
});
export type GraveyardState = CodecType<typeof graveyardState>;

/** `BlockData { state: GraveyardState, tombstones: u64, iterations: u32 }`. */
export const undyingBlock = Struct({ state: graveyardState, tombstones: u64, iterations: u32 });

/** How much work a block orders: `iterations` reseals, each after `tombstones` increments. */
export interface UndyingWork {
  readonly tombstones: number;
  readonly iterations: number;
}

export interface UndyingChainOptions {
  /** Graves in the genesis graveyard. Default 256. 0 makes every block with work panic. */
  readonly graveyardSize?: number;
  /** The whole genesis state instead (`graveyardSize` is then ignored). */
  readonly state?: GraveyardState;
  /** The work each block orders unless `next` is given another. Default 256 × 16. */
  readonly work?: UndyingWork;
  /** The relay parent of the first block; each later block has the next one. Default 1. */
  readonly relayParentNumber?: number;
}

/** `hash_state(state) = keccak256(state.encode())`. */
export const undyingStateHash = (state: GraveyardState): Uint8Array =>
  keccak_256(graveyardState.enc(state));

const U64_MAX = (1n << 64n) - 1n;

/**
 * `execute_transaction`: the state after the work, or the panic the PVF must end in. Indexing
 * follows the reference on wasm32, where `index as usize` keeps the low 32 bits.
 */
export function executeUndying(
  state: GraveyardState,
  work: UndyingWork,
): { kind: 'ok'; state: GraveyardState } | { kind: 'panic'; panic: string } {
  const graveyard = state.graveyard.slice();
  const size = graveyard.length;
  let index = state.index;
  let seal = state.seal;
  for (let round = 0; round < work.iterations; round++) {
    for (let t = 0; t < work.tombstones; t++) {
      const grave = Number(index & 0xffffffffn);
      if (grave >= size)
        return {
          kind: 'panic',
          panic: `index out of bounds: the len is ${size} but the index is ${grave}`,
        };
      graveyard[grave] = (graveyard[grave]! + 1) & 0xff;
      const next = index === U64_MAX ? index : index + 1n;
      index = BigInt(Number(next & 0xffffffffn) % size);
    }
    // "Chain hash the seals and burn CPU": each seal covers the previous one.
    seal = undyingStateHash({ ...state, index, graveyard, seal });
  }
  return { kind: 'ok', state: { ...state, index, graveyard, seal } };
}

export class UndyingChain {
  #state: GraveyardState;
  readonly #tip: ChainTip;
  readonly #work: UndyingWork;

  constructor(options: UndyingChainOptions = {}) {
    const size = options.graveyardSize ?? 256;
    if (!Number.isInteger(size) || size < 0)
      throw new RangeError(`graveyardSize must be a non-negative integer, got ${size}`);
    this.#work = checkWork(options.work ?? { tombstones: 256, iterations: 16 });
    this.#state = options.state ?? {
      index: 0n,
      graveyard: new Uint8Array(size),
      zombies: 0n,
      seal: new Uint8Array(32),
    };
    this.#tip = new ChainTip(undyingStateHash(this.#state), options.relayParentNumber ?? 1);
  }

  get head(): HeadData {
    return this.#tip.head;
  }

  get state(): GraveyardState {
    return this.#state;
  }

  /**
   * The next block, ordering `work`. Valid unless the work cannot run (an empty graveyard with
   * tombstones to erect), in which case the expected outcome is the PVF's panic and the chain
   * stays where it was.
   */
  next(work: UndyingWork = this.#work): Candidate {
    checkWork(work);
    const block = encodeBlock(this.#state, work);
    const run = executeUndying(this.#state, work);
    if (run.kind === 'panic')
      return {
        label: this.#tip.nextLabel,
        params: this.#tip.params(block),
        expected: { kind: 'invalid', panic: run.panic },
      };
    this.#state = run.state;
    return this.#tip.extend(block, undyingStateHash(run.state));
  }

  /**
   * The params of a block ordering `work` on the current head, without executing it: for work
   * meant to outlast a timeout, which would take the producer as long. The chain does not move.
   */
  paramsFor(work: UndyingWork): Uint8Array {
    checkWork(work);
    return this.#tip.params(encodeBlock(this.#state, work));
  }

  /** A block of the chosen invalid kind on the current head; the chain does not move. */
  invalid(kind: InvalidBlockKind): Candidate {
    const other: GraveyardState = { ...this.#state, zombies: this.#state.zombies ^ 1n };
    return this.#tip.invalid(kind, {
      block: encodeBlock(this.#state, this.#work),
      mismatchedBlock: encodeBlock(other, this.#work),
      siblingPostState: undyingStateHash(other),
    });
  }
}

function encodeBlock(state: GraveyardState, work: UndyingWork): Uint8Array {
  return undyingBlock.enc({
    state,
    tombstones: BigInt(work.tombstones),
    iterations: work.iterations,
  });
}

function checkWork(work: UndyingWork): UndyingWork {
  const { tombstones, iterations } = work;
  if (!Number.isSafeInteger(tombstones) || tombstones < 0)
    throw new RangeError(`work.tombstones must be a non-negative safe integer, got ${tombstones}`);
  if (!Number.isInteger(iterations) || iterations < 0 || iterations > 0xffffffff)
    throw new RangeError(`work.iterations must be a u32, got ${iterations}`);
  return work;
}
