// FRAME storage keys (frame-support `storage::types`): `twox128(pallet) ++ twox128(item)`, then
// for a map the hashed key (`Blake2_128Concat`: blake2-128 of the key, then the key;
// `Twox64Concat`: xxhash64 of the key, then the key). Plus the few values the collator reads
// back from a state: an account's balance and nonce, and the block's weight.
import { blake2b } from '@noble/hashes/blake2.js';
import { u32 } from 'scale-ts';
import { twox } from '../../runtime/host/hash-functions.js';
import { concat } from './trie.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The key of a storage value (or a map's prefix). */
export function valueKey(pallet: string, item: string): Uint8Array {
  return concat([twox(utf8(pallet), 2), twox(utf8(item), 2)]);
}

/** `Blake2_128Concat` of a map key. */
export const blake2_128Concat = (key: Uint8Array): Uint8Array =>
  concat([blake2b(key, { dkLen: 16 }), key]);

/** `Twox64Concat` of a map key. */
export const twox64Concat = (key: Uint8Array): Uint8Array => concat([twox(key, 1), key]);

/** `System::Account(who)`. */
export const accountKey = (who: Uint8Array): string =>
  hex(concat([valueKey('System', 'Account'), blake2_128Concat(who)]));

/** `System::BlockWeight`. */
export const BLOCK_WEIGHT_KEY = hex(valueKey('System', 'BlockWeight'));

/**
 * frame-system `AccountInfo { nonce: u32, consumers, providers, sufficients: u32,
 * data: pallet_balances::AccountData { free: u128, … } }`: the nonce and free balance.
 */
export function accountOf(value: Uint8Array | undefined): { nonce: number; free: bigint } {
  if (value === undefined) return { nonce: 0, free: 0n };
  const view = Buffer.from(value);
  return {
    nonce: u32.dec(value.subarray(0, 4)),
    free: view.readBigUInt64LE(16) | (view.readBigUInt64LE(24) << 64n),
  };
}

/**
 * `System::BlockWeight`: `PerDispatchClass<Weight>` for normal, operational and mandatory, the
 * sum of the three. `Weight` is `{ ref_time: Compact<u64>, proof_size: Compact<u64> }` since
 * weights v2, and a plain `u64` (ref time only: 24 bytes in all) in older runtimes.
 */
export function blockWeight(value: Uint8Array | undefined): { refTime: bigint; proofSize: bigint } {
  if (value === undefined) return { refTime: 0n, proofSize: 0n };
  if (value.length === 24) {
    const view = Buffer.from(value);
    const refTime = [0, 8, 16].reduce((sum, at) => sum + view.readBigUInt64LE(at), 0n);
    return { refTime, proofSize: 0n };
  }
  let at = 0;
  const next = (): bigint => {
    const [v, len] = readCompact(value, at);
    at += len;
    return v;
  };
  let refTime = 0n;
  let proofSize = 0n;
  for (let k = 0; k < 3; k++) {
    refTime += next();
    proofSize += next();
  }
  return { refTime, proofSize };
}

/** The SCALE compact at `at`: its value and its length in bytes. */
export function readCompact(b: Uint8Array, at: number): [bigint, number] {
  const first = b[at]!;
  const le = (n: number) => {
    let v = 0n;
    for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[at + k]!);
    return v;
  };
  switch (first & 3) {
    case 0:
      return [BigInt(first >> 2), 1];
    case 1:
      return [le(2) >> 2n, 2];
    case 2:
      return [le(4) >> 2n, 4];
    default: {
      const n = (first >> 2) + 4;
      let v = 0n;
      for (let k = n; k >= 1; k--) v = (v << 8n) | BigInt(b[at + k]!);
      return [v, n + 1];
    }
  }
}
