// sp-io `crypto` interface (substrate/primitives/io/src/lib.rs:1967–3186 @01e5c617, `trait
// Crypto`; `ed25519_verify` :2120, `sr25519_verify` :2401 / :2178, `ecdsa_verify` :2613 /
// :2626, `secp256k1_ecdsa_recover` :2682 / :2708): signature verification and secp256k1
// recovery, plus the keystore functions, which PVF validation has no keystore for (the
// reference panics: "No `keystore` associated for the current context!").
// Only the host-allocating ABI (abi_epoch 1) is served, as in released polkadot-sdk.
import { HostTrap } from '../engine/traps.js';
import { host, type HostContext, type HostFamily } from './context.js';
import { warmUpSignatures } from './crypto-warmup.js';
import { compactRS, ecdsaVerifyFast, ecdsaVerifyPrehashedFast, recoverKey } from './ecdsa-fast.js';
import { fatBytes, fixedBytes, returnFat } from './marshal.js';
import { ed25519VerifyFast, sr25519VerifyDeprecated, sr25519VerifyFast } from './fast-verify.js';

// Compiles and checks the signature fast paths when a worker loads (crypto-warmup.ts).
warmUpSignatures();

const noKeystore = (name: string) =>
  host('(i32)->', () => {
    throw new HostTrap(
      'host-error',
      `${name}: No \`keystore\` associated for the current context!`,
    );
  });

type Verifier = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) => boolean;

/** `(sig: &[u8; sigLen], msg: &[u8], pub: &[u8; pubLen]) -> bool` */
const verifier = (sigLen: number, pubLen: number, verify: Verifier, batch = false) =>
  host('(i32,i64,i32)->i32', (ctx: HostContext, sig: number, msg: bigint, pub: number) => {
    const s = fixedBytes(ctx, sig, sigLen, 'signature');
    const m = fatBytes(ctx, msg, 'message');
    const p = fixedBytes(ctx, pub, pubLen, 'public key');
    const ok = verify(s, m, p);
    // `*_batch_verify` (register_only): verify now and AND into the open batch, if any.
    if (batch && ctx.batchVerify !== undefined) ctx.batchVerify &&= ok;
    return ok ? 1 : 0;
  });

// SCALE `Result<[u8; N], EcdsaVerifyError>`: 0x00 ++ key, or 0x01 ++ variant (BadRS 0, BadV 1,
// BadSignature 2).
const err = (variant: number) => new Uint8Array([1, variant]);
const ok = (key: Uint8Array) => Uint8Array.of(0, ...key);

/**
 * `secp256k1_ecdsa_recover[_compressed](sig: &[u8; 65], msg: &[u8; 32])`: v (byte 64) may be
 * 0..=3 or 27..=30; version 1 reduces r, s modulo n, version 2 refuses them (BadRS).
 */
const recoverer = (overflowing: boolean, compressed: boolean) =>
  host('(i32,i32)->i64', (ctx: HostContext, sigPtr: number, msgPtr: number) => {
    const sig = fixedBytes(ctx, sigPtr, 65, 'signature');
    const msg = fixedBytes(ctx, msgPtr, 32, 'message hash');
    const v = sig[64]! > 26 ? sig[64]! - 27 : sig[64]!;
    if (v > 3) return returnFat(ctx, err(1));
    const rs = compactRS(sig.subarray(0, 64), overflowing);
    if (rs === 'bad-rs') return returnFat(ctx, err(0));
    const key = recoverKey(rs, v, msg, compressed);
    if (key === undefined) return returnFat(ctx, err(2));
    return returnFat(ctx, ok(key));
  });

export const crypto: HostFamily = {
  /** `ed25519_verify(sig, msg, pub) -> bool` with ed25519-zebra's rules. */
  ext_crypto_ed25519_verify_version_1: verifier(64, 32, ed25519VerifyFast),
  /** `ed25519_batch_verify` (register_only): verifies now, ANDs into the open batch. */
  ext_crypto_ed25519_batch_verify_version_1: verifier(64, 32, ed25519VerifyFast, true),
  /**
   * `sr25519_verify(sig, msg, pub) -> bool`, version 1: sp-core `Pair::verify_deprecated`,
   * which also accepts schnorrkel 0.1.1 ("pre-audit", unmarked) signatures.
   */
  ext_crypto_sr25519_verify_version_1: verifier(64, 32, sr25519VerifyDeprecated),
  /** `sr25519_verify(sig, msg, pub) -> bool` (version 2: schnorrkel `verify_simple`). */
  ext_crypto_sr25519_verify_version_2: verifier(64, 32, sr25519VerifyFast),
  /** `sr25519_batch_verify` (register_only): verifies now, ANDs into the open batch. */
  ext_crypto_sr25519_batch_verify_version_1: verifier(64, 32, sr25519VerifyFast, true),
  /** `ecdsa_verify(sig, msg, pub) -> bool`, version 1: overflowing r, s (`verify_deprecated`). */
  ext_crypto_ecdsa_verify_version_1: verifier(65, 33, (s, m, p) => ecdsaVerifyFast(s, m, p, true)),
  /** `ecdsa_verify(sig, msg, pub) -> bool`, version 2: r, s must be < n. */
  ext_crypto_ecdsa_verify_version_2: verifier(65, 33, (s, m, p) => ecdsaVerifyFast(s, m, p)),
  /** `ecdsa_batch_verify` (register_only): version-1 `ecdsa_verify`, ANDed into the open batch. */
  ext_crypto_ecdsa_batch_verify_version_1: verifier(
    65,
    33,
    (s, m, p) => ecdsaVerifyFast(s, m, p, true),
    true,
  ),
  /** `ecdsa_verify_prehashed(sig, msg: &[u8; 32], pub) -> bool` */
  ext_crypto_ecdsa_verify_prehashed_version_1: host(
    '(i32,i32,i32)->i32',
    (ctx, sig: number, msg: number, pub: number) =>
      ecdsaVerifyPrehashedFast(
        fixedBytes(ctx, sig, 65, 'signature'),
        fixedBytes(ctx, msg, 32, 'message hash'),
        fixedBytes(ctx, pub, 33, 'public key'),
      )
        ? 1
        : 0,
  ),
  /** `secp256k1_ecdsa_recover -> Result<[u8; 64], EcdsaVerifyError>` (libsecp256k1, overflowing). */
  ext_crypto_secp256k1_ecdsa_recover_version_1: recoverer(true, false),
  /** `secp256k1_ecdsa_recover -> Result<[u8; 64], EcdsaVerifyError>` (secp256k1, strict r, s). */
  ext_crypto_secp256k1_ecdsa_recover_version_2: recoverer(false, false),
  /** `secp256k1_ecdsa_recover_compressed -> Result<[u8; 33], EcdsaVerifyError>` (overflowing). */
  ext_crypto_secp256k1_ecdsa_recover_compressed_version_1: recoverer(true, true),
  /** `secp256k1_ecdsa_recover_compressed -> Result<[u8; 33], EcdsaVerifyError>` (strict). */
  ext_crypto_secp256k1_ecdsa_recover_compressed_version_2: recoverer(false, true),
  /** `start_batch_verify()` (register_only): opens a batch; a second one panics like the reference. */
  ext_crypto_start_batch_verify_version_1: host('()->', (ctx) => {
    if (ctx.batchVerify !== undefined)
      throw new HostTrap('host-error', 'Failed to register required extension: `VerificationExt`');
    ctx.batchVerify = true;
  }),
  /** `finish_batch_verify() -> bool` (register_only): the AND of the batch; panics without one. */
  ext_crypto_finish_batch_verify_version_1: host('()->i32', (ctx) => {
    const result = ctx.batchVerify;
    if (result === undefined)
      throw new HostTrap(
        'host-error',
        '`finish_batch_verify` should only be called after `start_batch_verify`',
      );
    ctx.batchVerify = undefined;
    return result ? 1 : 0;
  }),
  // Keystore functions: served by the reference, but they panic without a keystore.
  /** `ed25519_public_keys(id) -> Vec<Public>`: traps (no keystore). */
  ext_crypto_ed25519_public_keys_version_1: withSig(
    '(i32)->i64',
    noKeystore('ed25519_public_keys'),
  ),
  /** `ed25519_generate(id, seed) -> Public`: traps (no keystore). */
  ext_crypto_ed25519_generate_version_1: withSig('(i32,i64)->i32', noKeystore('ed25519_generate')),
  /** `ed25519_sign(id, pub, msg) -> Option<Signature>`: traps (no keystore). */
  ext_crypto_ed25519_sign_version_1: withSig('(i32,i32,i64)->i64', noKeystore('ed25519_sign')),
  /** `sr25519_public_keys(id) -> Vec<Public>`: traps (no keystore). */
  ext_crypto_sr25519_public_keys_version_1: withSig(
    '(i32)->i64',
    noKeystore('sr25519_public_keys'),
  ),
  /** `sr25519_generate(id, seed) -> Public`: traps (no keystore). */
  ext_crypto_sr25519_generate_version_1: withSig('(i32,i64)->i32', noKeystore('sr25519_generate')),
  /** `sr25519_sign(id, pub, msg) -> Option<Signature>`: traps (no keystore). */
  ext_crypto_sr25519_sign_version_1: withSig('(i32,i32,i64)->i64', noKeystore('sr25519_sign')),
  /** `ecdsa_public_keys(id) -> Vec<Public>`: traps (no keystore). */
  ext_crypto_ecdsa_public_keys_version_1: withSig('(i32)->i64', noKeystore('ecdsa_public_keys')),
  /** `ecdsa_generate(id, seed) -> Public`: traps (no keystore). */
  ext_crypto_ecdsa_generate_version_1: withSig('(i32,i64)->i32', noKeystore('ecdsa_generate')),
  /** `ecdsa_sign(id, pub, msg) -> Option<Signature>`: traps (no keystore). */
  ext_crypto_ecdsa_sign_version_1: withSig('(i32,i32,i64)->i64', noKeystore('ecdsa_sign')),
  /** `ecdsa_sign_prehashed(id, pub, msg: &[u8; 32]) -> Option<Signature>`: traps (no keystore). */
  ext_crypto_ecdsa_sign_prehashed_version_1: withSig(
    '(i32,i32,i32)->i64',
    noKeystore('ecdsa_sign_prehashed'),
  ),
};

/** The same trapping body under another wasm signature (the keystore functions differ only there). */
function withSig(spec: string, f: ReturnType<typeof noKeystore>) {
  return host(spec, f.call);
}
