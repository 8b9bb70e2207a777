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
 * The key pair of `//<path>` (e.g. `Alice` or `Alice//stash`): sp-core's hard derivation of the
 * dev phrase's key, junction by junction, each with its chain code (the SCALE encoding of the
 * junction's name, zero-padded to 32 bytes).
 */
export function devKeyPair(path: string): KeyPair {
  let secret: Uint8Array = secretFromSeed(DEV_SEED);
  for (const junction of path.split('//')) {
    const encoded = Buffer.concat([Buffer.of(junction.length << 2), Buffer.from(junction, 'utf8')]);
    if (junction.length >= 64 || encoded.length > 32)
      throw new RangeError(`junction too long: ${junction}`);
    const chainCode = new Uint8Array(32);
    chainCode.set(encoded);
    secret = HDKD.secretHard(secret, chainCode);
  }
  const signer = secret;
  return {
    name: `//${path}`,
    publicKey: getPublicKey(signer),
    sign: (message) => sign(signer, message),
  };
}
