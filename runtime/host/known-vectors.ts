// Public signatures with known verdicts, for the checks a process runs before it trusts a
// verification path (curve25519-native.ts before using the addon, crypto-warmup.ts when a
// worker loads its host functions).

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

export interface KnownSignature {
  readonly pub: Uint8Array;
  readonly sig: Uint8Array;
  readonly msg: Uint8Array;
}

/** sr25519: the `//Alice` key signing its address (schnorrkel, context "substrate"). */
export const SR25519_ALICE: KnownSignature = {
  pub: hex('d43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d'),
  sig: hex(
    '1037eb7e51613d0dcf5930ae518819c87d655056605764840d9280984e1b7063c4566b55bf292fcab07b369d01095879b50517beca4d26e6a65866e25fec0d83',
  ),
  msg: new TextEncoder().encode(
    'I hereby verify that I control 5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
  ),
};

/** ed25519: RFC 8032, 7.1 TEST 1 (empty message). */
export const ED25519_RFC8032_1: KnownSignature = {
  pub: hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
  sig: hex(
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  ),
  msg: new Uint8Array(),
};
