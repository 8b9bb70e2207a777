// The native sr25519 and ed25519 verification (addons/curve25519/curve25519.c, built by
// scripts/build-curve25519-addon.mjs into dist/curve25519/): schnorrkel's `verify_simple` with
// context "substrate" (Merlin transcript included) in about a third of the schnorrkel wasm
// build's time, and ed25519-zebra's ZIP-215 verification in about half of OpenSSL's. Loaded once
// per process from beside the bundle (where a sealed worker may read it) or from a checkout's
// dist/, and only after it gave the right verdicts on known vectors; otherwise, or with
// PVF_RUNTIME_NATIVE_CRYPTO=0 in the environment (HostOptions.nativeCrypto false sets it for
// workers), the wasm build and OpenSSL serve, with the same verdicts.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ED25519_RFC8032_1, SR25519_ALICE } from './known-vectors.js';
import { NATIVE_CRYPTO_ENV } from './native-crypto-env.js';

export { NATIVE_CRYPTO_ENV };

/** Each: 1 accept, 0 refuse, -1 if an argument is not a Uint8Array of the right length. */
interface Addon {
  sr25519Verify(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array): number;
  /** `digest` = SHA-512(R bytes ‖ key bytes ‖ message). */
  ed25519Verify(pub: Uint8Array, sig: Uint8Array, digest: Uint8Array): number;
  /** The vector code this CPU runs ('avx512ifma'), or 'none': libsodium's code alone. */
  readonly vector: string;
  /** Turns the vector code on (where the CPU has it) or off; whether it serves afterwards. */
  setVector(on: boolean): boolean;
}

/** Which implementation answers sr25519 and ed25519 verifications in this process, and why. */
export interface Curve25519Backend {
  /** 'native': the addon; 'fallback': schnorrkel's wasm build, and OpenSSL then ZIP-215. */
  readonly kind: 'native' | 'fallback';
  /** The addon's path when native (and the vector code it runs, if any); otherwise why not. */
  readonly detail: string;
}

/** Where the addon may be: beside the bundle, or in a checkout's dist/ when run from source. */
function candidates(): string[] {
  return [
    fileURLToPath(new URL('./curve25519/curve25519.node', import.meta.url)),
    fileURLToPath(new URL('../../dist/curve25519/curve25519.node', import.meta.url)),
  ];
}

function ed25519Digest(sig: Uint8Array, pub: Uint8Array, msg: Uint8Array): Uint8Array {
  return createHash('sha512').update(sig.subarray(0, 32)).update(pub).update(msg).digest();
}

/**
 * sr25519: the `//Alice` key signing its address (schnorrkel, context "substrate"), accepted,
 * and the same with one message byte dropped, refused. ed25519: RFC 8032 7.1 TEST 1 accepted,
 * with a changed message refused, and ZIP-215's all-identity case (R and key the identity,
 * s = 0), accepted.
 */
function passesKnownVectors(addon: Addon): boolean {
  const sr = SR25519_ALICE;
  const e = ED25519_RFC8032_1;
  const identity = new Uint8Array(64);
  identity[0] = 1;
  const ed = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array) =>
    addon.ed25519Verify(pub, sig, ed25519Digest(sig, pub, msg));
  return (
    addon.sr25519Verify(sr.pub, sr.sig, sr.msg) === 1 &&
    addon.sr25519Verify(sr.pub, sr.sig, sr.msg.subarray(1)) === 0 &&
    ed(e.sig, e.msg, e.pub) === 1 &&
    ed(e.sig, new Uint8Array([0]), e.pub) === 0 &&
    ed(identity, new Uint8Array([1, 2]), identity.subarray(0, 32)) === 1
  );
}

function load(): { addon: Addon | undefined; vector: boolean; backend: Curve25519Backend } {
  const fallback = (detail: string) => ({
    addon: undefined,
    vector: false,
    backend: { kind: 'fallback', detail } as const,
  });
  if (process.env[NATIVE_CRYPTO_ENV] === '0') return fallback(`${NATIVE_CRYPTO_ENV}=0`);
  const path = candidates().find((p) => existsSync(p));
  if (path === undefined)
    return fallback('the native addon is not built (dist/curve25519/curve25519.node)');
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(path) as Addon;
  } catch (e) {
    return fallback(`the native addon did not load: ${(e as Error).message.split('\n')[0]}`);
  }
  // libsodium's code alone first, then the vector code (addons/curve25519/ifma.h) where the CPU
  // runs it: each serves only after it passes the known vectors.
  addon.setVector(false);
  if (!passesKnownVectors(addon)) return fallback('the native addon failed its known vectors');
  const vector = addon.vector !== 'none' && addon.setVector(true) && passesKnownVectors(addon);
  if (!vector) addon.setVector(false);
  const note =
    addon.vector === 'none'
      ? ''
      : vector
        ? `; ${addon.vector}`
        : `; its ${addon.vector} code failed the known vectors and is off`;
  return { addon, vector, backend: { kind: 'native', detail: `${path}${note}` } };
}

const loaded = load();

/**
 * Switches the addon's vector code (addons/curve25519/ifma.h) on or off, for the tests and the
 * bench that compare it with libsodium's code on the same inputs; whether it serves afterwards
 * (never without the addon, on a CPU without AVX-512 IFMA, or when the vector code failed the
 * known vectors at load). Workers never call it.
 */
export function setCurve25519Vector(on: boolean): boolean {
  return loaded.addon?.setVector(on && loaded.vector) ?? false;
}

/** `fn`'s result with the addon's vector code off (libsodium's code alone), then on again. */
export function withoutCurve25519Vector<T>(fn: () => T): T {
  setCurve25519Vector(false);
  try {
    return fn();
  } finally {
    setCurve25519Vector(true);
  }
}

/** The vector code the addon runs on this CPU ('avx512ifma'), or 'none'. */
export const curve25519Vector: string = loaded.addon?.vector ?? 'none';

/** Which implementation serves sr25519 and ed25519 verification here (diagnostics, tests). */
export const curve25519Backend: Curve25519Backend = loaded.backend;

const verdict = (r: number | undefined): boolean | undefined =>
  r === 1 ? true : r === 0 ? false : undefined;

/**
 * schnorrkel `verify_simple(b"substrate", msg, sig)` natively: true or false, or undefined when
 * the addon is not in use here or the arguments are not of its shape (32-byte key, 64-byte
 * signature), so that the caller asks the next implementation.
 */
export function sr25519VerifyNative(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
): boolean | undefined {
  return verdict(loaded.addon?.sr25519Verify(pub, sig, msg));
}

/**
 * ed25519-zebra's `VerificationKey::verify` (ZIP-215) natively: true or false, or undefined
 * when the addon is not in use here or the arguments are not of its shape.
 */
export function ed25519VerifyNative(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
): boolean | undefined {
  const addon = loaded.addon;
  if (addon === undefined || sig.length !== 64 || pub.length !== 32) return undefined;
  return verdict(addon.ed25519Verify(pub, sig, ed25519Digest(sig, pub, msg)));
}
