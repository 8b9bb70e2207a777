// A chain of blocks carrying balance transfers between development accounts: the senders sign
// `transfer_keep_alive`s in turn (each with its next nonce) to recipients that never sign, so
// that after each block the recipients' balances prove every transfer was dispatched
// successfully (a failed dispatch is still a valid block, and would go unnoticed otherwise).
import { type BuiltBlock, Collator } from './collator.js';
import { signedExtrinsic } from './extrinsic.js';
import type { Parachain } from './parachains.js';
import { accountKey, accountOf, BLOCK_WEIGHT_KEY, blockWeight } from './storage-keys.js';

/**
 * The amount of each transfer: small, so that the senders' fees, not the amounts, bound how
 * many they can sign (Asset Hub's local genesis endows each with about 0.14 KSM, and a full
 * block takes ~180 transfers from each); the recipients exist, so no existential deposit
 * applies to what they receive.
 */
export const TRANSFER_AMOUNT = 1_000_000n;

export interface TransferBlock extends BuiltBlock {
  readonly transfers: number;
  /** `System::BlockWeight` of the post-state, all classes: what the runtime charged. */
  readonly weight: { readonly refTime: bigint; readonly proofSize: bigint };
}

export class TransferChain {
  readonly collator: Collator;
  readonly #nonces: number[];

  constructor(readonly parachain: Parachain) {
    this.collator = new Collator(parachain.config);
    const state = this.collator.state;
    this.#nonces = parachain.senders.map(
      (s) => accountOf(state.get(accountKey(s.publicKey))).nonce,
    );
  }

  /**
   * Builds the next block with `transfers` signed transfers.
   * @throws when the peer executor fails, or a transfer did not arrive (the block would still
   *   be valid, but not the block asked for).
   */
  async next(transfers: number): Promise<TransferBlock> {
    const before = this.collator.state;
    const { signed, expected } = this.#sign(transfers, this.#nonces);
    const block = await this.collator.next(signed);
    for (const [key, amount] of expected) {
      const got = accountOf(block.postState.get(key)).free - accountOf(before.get(key)).free;
      if (got !== amount)
        throw new Error(`block #${block.number}: a recipient got ${got} instead of ${amount}`);
    }
    return { ...block, transfers, weight: blockWeight(block.postState.get(BLOCK_WEIGHT_KEY)) };
  }

  /**
   * How many of `max` transfers the next block can take: tried out on a fork of the chain
   * (which does not move), counting what arrived; the runtime refuses the ones past the block's
   * weight limit (`ExhaustsResources`), which a real collator would leave out.
   */
  async capacity(max: number): Promise<number> {
    const before = this.collator.state;
    const { signed, expected } = this.#sign(max, this.#nonces.slice());
    const block = await this.collator.fork().next(signed, true);
    let received = 0n;
    for (const key of expected.keys())
      received += accountOf(block.postState.get(key)).free - accountOf(before.get(key)).free;
    return Number(received / TRANSFER_AMOUNT);
  }

  /** `transfers` signed transfers, taking nonces from `nonces`, and what each recipient gets. */
  #sign(
    transfers: number,
    nonces: number[],
  ): { signed: Uint8Array[]; expected: Map<string, bigint> } {
    const { senders, recipients, signedExtension } = this.parachain;
    const expected = new Map<string, bigint>();
    const signed: Uint8Array[] = [];
    for (let i = 0; i < transfers; i++) {
      const s = i % senders.length;
      const to = recipients[(i + Math.floor(i / senders.length)) % recipients.length]!;
      const call = this.parachain.transfer(to.publicKey, TRANSFER_AMOUNT);
      signed.push(signedExtrinsic(call, senders[s]!, nonces[s]!++, signedExtension));
      const key = accountKey(to.publicKey);
      expected.set(key, (expected.get(key) ?? 0n) + TRANSFER_AMOUNT);
    }
    return { signed, expected };
  }
}
