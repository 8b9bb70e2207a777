// Warm-up of the signature fast paths when a worker loads its host functions: V8 compiles wasm
// and JS lazily, so the first verification in a fresh process costs tens of milliseconds more
// than the next (measured: sr25519 37-64 ms first vs 0.6-0.8 ms after, under load); the first
// block a worker validates should not pay that. Each path runs once on a known vector, and a
// wrong verdict stops the load: a fast path that disagrees with a public vector must never run.
import { compactRS, recoverKey } from './ecdsa-fast.js';
import { ed25519VerifyFast, sr25519VerifyFast } from './fast-verify.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

/** Runs every fast path once; throws if one gives a wrong verdict on its known vector. */
export function warmUpSignatures(): void {
  // sr25519: the `//Alice` key signing its address (schnorrkel, context "substrate").
  const srPub = hex('d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d');
  const srSig = hex(
    '1037eb7e51613d0dcf5930ae518819c87d655056605764840d9280984e1b7063c4566b55bf292fcab07b369d01095879b50517beca4d26e6a65866e25fec0d83',
  );
  const srMsg = new TextEncoder().encode(
    'I hereby verify that I control 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  );
  // ed25519: RFC 8032, 7.1 TEST 1 (empty message).
  const edPub = hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const edSig = hex(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  );
  // secp256k1: a recovery with id 0 and its known key.
  const rs = hex(
    '7505f2880114da51b3f5d535f8687953c0ab9af4ab81e592eaebebf53b728d2b6dfd9b5bcd70fee412b1f31360e7c2774009305cb84fc50c1d0ff8034dfa5fff',
  );
  const hash = hex('a30b64ce1eedf409c8afb801d72c05234e64849ea538c15dd3c8cf4ffcf166c9');
  const key = hex('028d13da15a02f3a70677339d51b14177ee9b49657662b35e56a9d9dee17db1d30');
  const compact = compactRS(rs, false);
  const ok =
    sr25519VerifyFast(srSig, srMsg, srPub) &&
    !sr25519VerifyFast(srSig, srMsg.subarray(1), srPub) &&
    ed25519VerifyFast(edSig, new Uint8Array(), edPub) &&
    compact !== 'bad-rs' &&
    Buffer.compare(recoverKey(compact, 0, hash, true) ?? new Uint8Array(), key) === 0;
  if (!ok) throw new Error('a signature fast path gave a wrong verdict on its known vector');
}
