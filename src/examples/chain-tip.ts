// The tip of an example chain, shared by both producers: the head of the last valid block and
// the relay parent of the next one. A block on the tip becomes `ValidationParams`; a valid one
// moves the tip to the head the PVF must return (the reference test parachains' `HeadData`
// rule: number + 1, keccak-256 of the parent head's bytes, the new state's hash).
import { keccak_256 } from '@noble/hashes/sha3.js';
import {
  type Candidate,
  encodeParams,
  type HeadData,
  headData,
  invalidCandidate,
  type InvalidBlockKind,
  validResult,
} from './candidate.js';

const U64_MASK = (1n << 64n) - 1n;

/** What an invalid block of any kind is made from, besides the tip itself. */
export interface InvalidBlockSource {
  /** A valid block on the tip. */
  readonly block: Uint8Array;
  /** A block that decodes but starts from another state. */
  readonly mismatchedBlock: Uint8Array;
  /** The post-state hash of a sibling head (a fork at the same height). */
  readonly siblingPostState: Uint8Array;
}

export class ChainTip {
  #head: HeadData;
  #relayParentNumber: number;

  /** The genesis tip: block 0 with a zero parent hash, committing to `postState`. */
  constructor(postState: Uint8Array, relayParentNumber: number) {
    this.#head = { number: 0n, parentHash: new Uint8Array(32), postState };
    this.#relayParentNumber = relayParentNumber;
  }

  /** The head of the last valid block (the genesis head before any). */
  get head(): HeadData {
    return this.#head;
  }

  /** How reports name the next block: `#<number>`. */
  get nextLabel(): string {
    return `#${this.#head.number + 1n}`;
  }

  /** `ValidationParams` for `block` on the tip. */
  params(block: Uint8Array): Uint8Array {
    return encodeParams(headData.enc(this.#head), block, this.#relayParentNumber);
  }

  /**
   * `block` on the tip as a valid candidate whose state hashes to `postState`; the tip moves
   * to its head and the next relay parent.
   */
  extend(block: Uint8Array, postState: Uint8Array): Candidate {
    const parent = headData.enc(this.#head);
    const relayParentNumber = this.#relayParentNumber;
    const head: HeadData = {
      number: (this.#head.number + 1n) & U64_MASK,
      parentHash: keccak_256(parent),
      postState,
    };
    const label = this.nextLabel;
    this.#head = head;
    this.#relayParentNumber += 1;
    return {
      label,
      params: encodeParams(parent, block, relayParentNumber),
      expected: { kind: 'valid', result: validResult(head, relayParentNumber), head },
    };
  }

  /** A block of the chosen invalid kind on the tip; the tip does not move. */
  invalid(kind: InvalidBlockKind, source: InvalidBlockSource): Candidate {
    return invalidCandidate(
      kind,
      {
        head: headData.enc(this.#head),
        block: source.block,
        mismatchedBlock: source.mismatchedBlock,
        siblingHead: headData.enc({ ...this.#head, postState: source.siblingPostState }),
        relayParentNumber: this.#relayParentNumber,
      },
      this.nextLabel,
    );
  }
}
