// The native sr25519 verification (addons/sr25519/sr25519.c, built by
// scripts/build-sr25519-addon.mjs into dist/sr25519/): schnorrkel's `verify_simple` with context
// "substrate", Merlin transcript included, in one call of about a third of the schnorrkel wasm
// build's time. Loaded once per process from beside the bundle (where a sealed worker may read
// it) or from a checkout's dist/, and only after it gave the right verdicts on known vectors;
// otherwise, or with PVF_RUNTIME_NATIVE_CRYPTO=0 in the environment (HostOptions.nativeCrypto
// false sets it for workers), the wasm build serves, with the same verdicts.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NATIVE_CRYPTO_ENV } from './native-crypto-env.js';

export { NATIVE_CRYPTO_ENV };

interface Addon {
  /** 1 accept, 0 refuse, -1 if an argument is not a Uint8Array of the right length. */
  verify(pub: Uint8Array, sig: Uint8Array, msg: Uint8Array): number;
}

/** Which implementation answers sr25519 verifications in this process, and why. */
export interface Sr25519Backend {
  readonly kind: 'native' | 'wasm';
  /** The addon's path when native; otherwise why it is not used. */
  readonly detail: string;
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** Where the addon may be: beside the bundle, or in a checkout's dist/ when run from source. */
function candidates(): string[] {
  return [
    fileURLToPath(new URL('./sr25519/sr25519.node', import.meta.url)),
    fileURLToPath(new URL('../../dist/sr25519/sr25519.node', import.meta.url)),
  ];
}

/** The `//Alice` key signing its address (schnorrkel, context "substrate"): accepted; the same
 *  with one message byte dropped: refused. */
function passesKnownVectors(addon: Addon): boolean {
  const pub = hex('d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d');
  const sig = hex(
    '1037eb7e51613d0dcf5930ae518819c87d655056605764840d9280984e1b7063c4566b55bf292fcab07b369d01095879b50517beca4d26e6a65866e25fec0d83',
  );
  const msg = new TextEncoder().encode(
    'I hereby verify that I control 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  );
  return addon.verify(pub, sig, msg) === 1 && addon.verify(pub, sig, msg.subarray(1)) === 0;
}

function load(): { addon: Addon | undefined; backend: Sr25519Backend } {
  const wasm = (detail: string) => ({
    addon: undefined,
    backend: { kind: 'wasm', detail } as const,
  });
  if (process.env[NATIVE_CRYPTO_ENV] === '0') return wasm(`${NATIVE_CRYPTO_ENV}=0`);
  const path = candidates().find((p) => existsSync(p));
  if (path === undefined) return wasm('the native addon is not built (dist/sr25519/sr25519.node)');
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(path) as Addon;
  } catch (e) {
    return wasm(`the native addon did not load: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!passesKnownVectors(addon)) return wasm('the native addon failed its known vectors');
  return { addon, backend: { kind: 'native', detail: path } };
}

const loaded = load();

/** Which implementation serves sr25519 verification here (for diagnostics and tests). */
export const sr25519Backend: Sr25519Backend = loaded.backend;

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
  const r = loaded.addon?.verify(pub, sig, msg);
  return r === 1 ? true : r === 0 ? false : undefined;
}
