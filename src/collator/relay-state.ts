// The relay-chain state a parachain block is built against: the few entries Cumulus's
// `set_validation_data` reads from the relay parent's state
// (cumulus/pallets/parachain-system/src/relay_state_snapshot.rs), put in a trie of their own
// whose root becomes the `relay_parent_storage_root` and whose nodes are the state proof. The
// keys are polkadot-primitives' `well_known_keys` (polkadot/primitives/src/v*/mod.rs).
import { Bytes, Struct, u32, u64, Vector } from 'scale-ts';
import { twox } from '../../runtime/host/hash-functions.js';
import { concat, Trie } from './trie.js';

/** `well_known_keys::ACTIVE_CONFIG`: `Configuration::ActiveConfig` (read, mandatory). */
const ACTIVE_CONFIG = hexKey('06de3d8a54d27e44a9d5ce189618f22db4b49d95320d9021994c850f25b8e385');
/** `well_known_keys::CURRENT_SLOT`: `Babe::CurrentSlot` (read by the consensus hook). */
const CURRENT_SLOT = hexKey('1cb6f36e027abb2091cfb5110ab5087f06155b3cd9a8c9e5e9a23fd5dc13a5ed');
/** Map prefixes of `para_head`, `dmq_mqc_head`, `hrmp_ingress/egress_channel_index`. */
const PARA_HEAD = hexKey('cd710b30bd2eab0352ddcc26417aa1941b3c252fcb29d88eff4f3de5de4476c3');
const DMQ_MQC_HEAD = hexKey('63f78c98723ddc9073523ef3beefda0c4d7fefc408aac59dbfe80a72ac8e3ce5');
const HRMP_INGRESS = hexKey('6a0da05ca59913bc38a8630590f2627c1d3719f5b0b12c7105c073c507445948');
const HRMP_EGRESS = hexKey('6a0da05ca59913bc38a8630590f2627cf12b746dcf32e843354583c9702cc020');

/**
 * `AbridgedHostConfiguration` (polkadot-primitives): the prefix of the relay chain's
 * `HostConfiguration` that parachains decode (a runtime that predates `async_backing_params`
 * reads the prefix without it). The values are production-like; with no messages, upgrades or
 * async backing in these blocks, the runtimes only store them.
 */
const abridgedHostConfiguration = Struct({
  maxCodeSize: u32,
  maxHeadDataSize: u32,
  maxUpwardQueueCount: u32,
  maxUpwardQueueSize: u32,
  maxUpwardMessageSize: u32,
  maxUpwardMessageNumPerCandidate: u32,
  hrmpMaxMessageNumPerCandidate: u32,
  validationUpgradeCooldown: u32,
  validationUpgradeDelay: u32,
  asyncBackingParams: Struct({ maxCandidateDepth: u32, allowedAncestryLen: u32 }),
});

const HOST_CONFIGURATION = abridgedHostConfiguration.enc({
  maxCodeSize: 3 * 1024 * 1024,
  maxHeadDataSize: 20 * 1024,
  maxUpwardQueueCount: 174_762,
  maxUpwardQueueSize: 1024 * 1024,
  maxUpwardMessageSize: 65_531,
  maxUpwardMessageNumPerCandidate: 16,
  hrmpMaxMessageNumPerCandidate: 10,
  validationUpgradeCooldown: 14_400,
  validationUpgradeDelay: 600,
  asyncBackingParams: { maxCandidateDepth: 3, allowedAncestryLen: 2 },
});

export interface RelayStateInput {
  readonly paraId: number;
  /** The relay chain's BABE slot at the relay parent. */
  readonly slot: bigint;
  /** The para head the relay chain has included: the parent block's head data. */
  readonly includedHead: Uint8Array;
}

export interface RelayState {
  /** `relay_parent_storage_root`. */
  readonly root: Uint8Array;
  /** The `StorageProof`'s nodes, sorted (a `BTreeSet<Vec<u8>>`). */
  readonly proof: Uint8Array[];
  /** The entries, for checks against a second trie implementation. */
  readonly entries: [Uint8Array, Uint8Array][];
}

/**
 * The relay parent's state for one parachain block. The relay chain is on state version 1;
 * the proof holds the whole (small) trie.
 */
export function relayState(input: RelayStateInput): RelayState {
  const para = u32.enc(input.paraId);
  const paraKey = (prefix: Uint8Array) => concat([prefix, twox(para, 1), para]);
  const entries: [Uint8Array, Uint8Array][] = [
    [ACTIVE_CONFIG, HOST_CONFIGURATION],
    [CURRENT_SLOT, u64.enc(input.slot)],
    // `Paras::Heads` holds `HeadData`, a `Vec<u8>`.
    [paraKey(PARA_HEAD), Bytes().enc(input.includedHead)],
    [paraKey(DMQ_MQC_HEAD), new Uint8Array(32)],
    [paraKey(HRMP_INGRESS), Vector(u32).enc([])],
    [paraKey(HRMP_EGRESS), Vector(u32).enc([])],
  ];
  const trie = new Trie(entries, 1);
  const proof = trie.allNodes().sort(Buffer.compare);
  return { root: trie.rootHash, proof, entries };
}

function hexKey(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}
