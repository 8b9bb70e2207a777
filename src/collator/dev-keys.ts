// Substrate's well-known development accounts (//Alice, //Bob, …) as sr25519 key pairs, which
// author and seal blocks and sign transfers offline. Not secret by design: every Substrate
// development chain is authored by them, and so is the Asset Hub local chain spec (its Aura
// authorities are //Bob and //Alice, which the tests check against the genesis).
import { getPublicKey, HDKD, secretFromSeed, sign } from '@scure/sr25519';

/**
 * The mini secret key of sp-core's `DEV_PHRASE` ("bottom drive obey lake curtain smoke basket
 * hold race lonely fit walk"): substrate-bip39 `mini_secret_from_entropy(entropy, "")`.
 */
const DEV_SEED = Buffer.from(
  'fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e',
  'hex',
);

export const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;
export type DevAccount = (typeof DEV_ACCOUNTS)[number];

export interface KeyPair {
  readonly name: string;
  readonly publicKey: Uint8Array;
  /** sr25519 signature with the `substrate` signing context (sp-core `sr25519::Pair::sign`). */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * The key pair of `//<name>`: sp-core's hard derivation of the dev phrase's key with the
 * junction's chain code (the SCALE encoding of the name, zero-padded to 32 bytes).
 */
export function devKeyPair(name: string): KeyPair {
  const encoded = Buffer.concat([Buffer.of(name.length << 2), Buffer.from(name, 'utf8')]);
  if (name.length >= 64 || encoded.length > 32) throw new RangeError(`junction too long: ${name}`);
  const chainCode = new Uint8Array(32);
  chainCode.set(encoded);
  const secret = HDKD.secretHard(secretFromSeed(DEV_SEED), chainCode);
  return {
    name: `//${name}`,
    publicKey: getPublicKey(secret),
    sign: (message) => sign(secret, message),
  };
}
