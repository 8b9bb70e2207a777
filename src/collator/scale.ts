// The Substrate and Cumulus wire formats a collator writes, as scale-ts codecs. Each must match
// the reference's SCALE layout byte for byte (paths below are polkadot-sdk's).
import {
  Bytes,
  type CodecType,
  compact as compactCodec,
  Enum,
  enhanceCodec,
  Struct,
  Tuple,
  u32,
  u64,
  Vector,
} from 'scale-ts';

/** SCALE `Compact<u32>` bytes (also the length prefix of every `Vec`). */
export const compact = (n: number): Uint8Array => compactCodec.enc(n);

const h256 = Bytes(32);
const engineId = Bytes(4);

/** sp-runtime `generic::DigestItem` (digest.rs): PreRuntime 6, Consensus 4, Seal 5, Other 0. */
export const digestItem = Enum(
  {
    Other: Bytes(),
    Consensus: Tuple(engineId, Bytes()),
    Seal: Tuple(engineId, Bytes()),
    PreRuntime: Tuple(engineId, Bytes()),
    RuntimeEnvironmentUpdated: Struct({}),
  },
  [0, 4, 5, 6, 8],
);
export type DigestItem = CodecType<typeof digestItem>;

/** `Compact<u32>` as a number (scale-ts's compact decodes to number | bigint). */
const compactU32 = enhanceCodec(compactCodec, (n: number) => n, Number);

/** sp-runtime `generic::Header<u32, BlakeTwo256>` (header.rs): number as `Compact<u32>`. */
export const header = Struct({
  parentHash: h256,
  number: compactU32,
  stateRoot: h256,
  extrinsicsRoot: h256,
  digest: Vector(digestItem),
});
export type Header = CodecType<typeof header>;

/**
 * An extrinsic as blocks carry it. Its SCALE encoding is a `Vec<u8>` of its body, so values here
 * are bodies and the codec adds the length prefix.
 */
export const extrinsic = Bytes();

/**
 * cumulus-primitives-core `ParachainBlockData { header, extrinsics, storage_proof }`
 * (cumulus/primitives/core/src/lib.rs, before the versioned form of 2025), with the proof as
 * sp-trie's `CompactProof { encoded_nodes: Vec<Vec<u8>> }`.
 */
export const parachainBlockData = Struct({
  header,
  extrinsics: Vector(extrinsic),
  storageProof: Vector(Bytes()),
});
export type ParachainBlockData = CodecType<typeof parachainBlockData>;

/** polkadot-primitives `PersistedValidationData<H256, u32>`. */
export const persistedValidationData = Struct({
  parentHead: Bytes(),
  relayParentNumber: u32,
  relayParentStorageRoot: h256,
  maxPovSize: u32,
});

/**
 * cumulus-primitives-parachain-inherent `ParachainInherentData` (the `sysi1337` inherent):
 * validation data, the relay-chain `StorageProof { trie_nodes: BTreeSet<Vec<u8>> }`, downward
 * messages and horizontal messages (an empty `BTreeMap` encodes as an empty `Vec`).
 */
export const parachainInherentData = Struct({
  validationData: persistedValidationData,
  relayChainState: Vector(Bytes()),
  downwardMessages: Vector(Struct({ sentAt: u32, msg: Bytes() })),
  horizontalMessages: Vector(Tuple(u32, Vector(Struct({ sentAt: u32, data: Bytes() })))),
});

/** sp-inherents `InherentData`: a `BTreeMap<[u8; 8], Vec<u8>>`, so sorted by identifier. */
export const inherentData = Vector(Tuple(Bytes(8), Bytes()));

export const timestampInherent = u64;

/** Hex with a `0x` prefix, as the peer executor takes and gives bytes. */
export const toHex = (b: Uint8Array): `0x${string}` => `0x${Buffer.from(b).toString('hex')}`;
export const fromHex = (s: string): Uint8Array =>
  new Uint8Array(Buffer.from(s.startsWith('0x') ? s.slice(2) : s, 'hex'));
