// The collator side of the adder example PVF: builds a chain of valid blocks, each on the head
// the previous one produced, and deliberately invalid blocks on the current head. Mirrors
// polkadot/parachain/test-parachains/adder (its collator's `BlockData`/`HeadData` rules).
import { keccak_256 } from '@noble/hashes/sha3.js';
import { type CodecType, Struct, u64 } from 'scale-ts';
import type { Candidate, HeadData, InvalidBlockKind } from './candidate.js';
import { ChainTip } from './chain-tip.js';

/** The adder's `BlockData { state: u64, add: u64 }`. */
export const adderBlock = Struct({ state: u64, add: u64 });
export type AdderBlock = CodecType<typeof adderBlock>;

/** `hash_state(state) = keccak256(state.encode())`. */
export const adderStateHash = (state: bigint): Uint8Array => keccak_256(u64.enc(state));

export interface AdderChainOptions {
  /** The genesis state. Default 0, as in the reference collator. */
  readonly state?: bigint;
  /** The relay parent of the first block; each later block has the next one. Default 1. */
  readonly relayParentNumber?: number;
}

const U64_MASK = (1n << 64n) - 1n;

export class AdderChain {
  #state: bigint;
  readonly #tip: ChainTip;

  constructor(options: AdderChainOptions = {}) {
    this.#state = options.state ?? 0n;
    this.#tip = new ChainTip(adderStateHash(this.#state), options.relayParentNumber ?? 1);
  }

  /** The head of the last valid block (the genesis head before any). */
  get head(): HeadData {
    return this.#tip.head;
  }

  get state(): bigint {
    return this.#state;
  }

  /**
   * The next valid block, adding `add` (wrapping at 2^64; by default a value derived from the
   * block number, so long chains wrap too). The chain moves onto the block's head.
   */
  next(add: bigint = defaultAdd(this.head.number + 1n)): Candidate {
    const block = adderBlock.enc({ state: this.#state, add });
    this.#state = (this.#state + add) & U64_MASK;
    return this.#tip.extend(block, adderStateHash(this.#state));
  }

  /** A block of the chosen invalid kind on the current head; the chain does not move. */
  invalid(kind: InvalidBlockKind): Candidate {
    const add = defaultAdd(this.head.number + 1n);
    return this.#tip.invalid(kind, {
      block: adderBlock.enc({ state: this.#state, add }),
      mismatchedBlock: adderBlock.enc({ state: (this.#state + 1n) & U64_MASK, add }),
      siblingPostState: adderStateHash(this.#state ^ 1n),
    });
  }
}

/** A well-mixed u64 from the block number: the first 8 bytes of keccak256 of it. */
function defaultAdd(number: bigint): bigint {
  return u64.dec(keccak_256(u64.enc(number)).subarray(0, 8));
}
