// Warm-up of the signature fast paths when a worker loads its host functions: V8 compiles wasm
// and JS lazily, so the first verification in a fresh process costs tens of milliseconds more
// than the next (measured: sr25519 37-64 ms first vs 0.6-0.8 ms after, under load); the first
// block a worker validates should not pay that. Each path runs once on a known vector, and a
// wrong verdict stops the load: a fast path that disagrees with a public vector must never run.
import { compactRS, recoverKey } from './ecdsa-fast.js';
import { ed25519VerifyFast, sr25519VerifyFast } from './fast-verify.js';
import { ED25519_RFC8032_1, SR25519_ALICE } from './known-vectors.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** Runs every fast path once; throws if one gives a wrong verdict on its known vector. */
export function warmUpSignatures(): void {
  const sr = SR25519_ALICE;
  const ed = ED25519_RFC8032_1;
  // secp256k1: a recovery with id 0 and its known key.
  const rs = hex(
    '7505f2880114da51b3f5d535f8687953c0ab9af4ab81e592eaebebf53b728d2b6dfd9b5bcd70fee412b1f31360e7c2774009305cb84fc50c1d0ff8034dfa5fff',
  );
  const hash = hex('a30b64ce1eedf409c8afb801d72c05234e64849ea538c15dd3c8cf4ffcf166c9');
  const key = hex('028d13da15a02f3a70677339d51b14177ee9b49657662b35e56a9d9dee17db1d30');
  const compact = compactRS(rs, false);
  const ok =
    sr25519VerifyFast(sr.sig, sr.msg, sr.pub) &&
    !sr25519VerifyFast(sr.sig, sr.msg.subarray(1), sr.pub) &&
    ed25519VerifyFast(ed.sig, ed.msg, ed.pub) &&
    compact !== 'bad-rs' &&
    Buffer.compare(recoverKey(compact, 0, hash, true) ?? new Uint8Array(), key) === 0;
  if (!ok) throw new Error('a signature fast path gave a wrong verdict on its known vector');
}
