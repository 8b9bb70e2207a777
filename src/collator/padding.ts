// A parachain whose state makes big proofs: the first transfer's two accounts (the first sender
// and the first recipient, `System::Account` of //Alice and //Alice//stash) carry pseudo-random
// bytes after their `AccountInfo`. A block reads both accounts whole, so the PoV must carry both
// values; the runtime decodes an `AccountInfo` from the front and ignores the rest
// (frame-support `storage::unhashed::get` uses `Decode::decode`, not `decode_all`), then writes
// the account back without the padding. So a one-transfer block on this genesis is a real,
// valid block whose PoV is about the padding's size, and the next block's is small again.
//
// The padding is random, not zeros, because collators zstd-compress the PoV: random bytes do
// not compress (zstd stores them as raw blocks, as `shippedPov` frames every PoV), so the size
// measured is the size shipped, as for a proof made of hashes and signatures.
import { createHash } from 'node:crypto';
import { withGenesis, type Parachain } from './parachains.js';
import { accountKey } from './storage-keys.js';
import { concat } from './trie.js';

/**
 * `parachain` with `bytes` of padding split evenly over the two accounts the first transfer of
 * its first block reads (see `TransferChain`: sender 0 pays recipient 0).
 * @throws {RangeError} when `bytes` is negative or not an integer, or an account is absent.
 */
export function paddedParachain(parachain: Parachain, bytes: number): Parachain {
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    throw new RangeError(`padding must be a non-negative integer, got ${bytes}`);
  const accounts = [parachain.senders[0]!, parachain.recipients[0]!];
  const genesis = parachain.config.genesis;
  const diff = new Map<string, Uint8Array>();
  accounts.forEach((a, i) => {
    const key = accountKey(a.publicKey);
    const value = genesis.get(key);
    if (value === undefined) throw new RangeError(`${a.name} has no account in the genesis`);
    const share = Math.floor(bytes / 2) + (i === 0 ? bytes % 2 : 0);
    diff.set(key, concat([value, noise(share, `${parachain.name}/${a.name}`)]));
  });
  return withGenesis(parachain, genesis.apply(diff));
}

/** `n` deterministic pseudo-random bytes (SHAKE-256 of `seed`). */
function noise(n: number, seed: string): Uint8Array {
  if (n === 0) return new Uint8Array(0);
  return new Uint8Array(createHash('shake256', { outputLength: n }).update(seed).digest());
}
