// A Cumulus collator, offline: builds a parachain's blocks one on another the way a collator
// node does (cumulus/client/collator, sc-block-builder), and for each the proof of validity a
// validator receives. Steps per block:
//   1. the relay parent's state (relay-state.ts) and the inherent data: `sysi1337`
//      (`ParachainInherentData`) and `timstap0` (the slot's timestamp);
//   2. in the peer executor: `Core_initialize_block` (an Aura `PreRuntime` slot digest),
//      `BlockBuilder_inherent_extrinsics` (the runtime builds its own inherents),
//      `BlockBuilder_apply_extrinsic` for each, `BlockBuilder_finalize_block`, recording every
//      key read, stepped over or written;
//   3. the state root, recomputed from parent state + diff (the peer does not compute one);
//   4. the Aura seal: the slot's author (`authorities[slot % n]`) signs the header's hash;
//   5. the compact proof of the parent trie's nodes on the recorded keys, `ParachainBlockData`,
//      `ValidationParams` and the `ValidationResult` the PVF must return.
import { u64, Vector } from 'scale-ts';
import { validationParams, validationResult } from '../../runtime/codec/validation.js';
import type { KeyPair } from './dev-keys.js';
import { peerCall } from './peer.js';
import { relayState } from './relay-state.js';
import {
  compact,
  type DigestItem,
  extrinsic,
  type Header,
  header as headerCodec,
  inherentData,
  parachainBlockData,
  parachainInherentData,
} from './scale.js';
import { type ChainState, RecordingReader } from './state.js';
import { blake2_256, Trie, type TrieNode } from './trie.js';

const AURA = new TextEncoder().encode('aura');
/** The relay chain's slot duration (Polkadot and Kusama: 6 s). */
const RELAY_SLOT_MS = 6000n;
/** `max_pov_size` in the validation data: Polkadot's 5 MiB. */
const MAX_POV_SIZE = 5 * 1024 * 1024;

/** What the collator needs to know about a runtime and its chain. */
export interface CollatorConfig {
  /** The runtime blob as validators receive it (compressed or not). */
  readonly code: Uint8Array;
  readonly genesis: ChainState;
  readonly paraId: number;
  /** The Aura authorities in genesis order (`Aura::Authorities`). */
  readonly authorities: readonly KeyPair[];
  /** `AuraApi_slot_duration` in ms. */
  readonly slotDurationMs: bigint;
  /** The first block's para slot; later blocks take the next slots. */
  readonly firstSlot: bigint;
  /** The first block's relay parent number; later blocks take the next ones. */
  readonly firstRelayParent: number;
}

/** One block as a collator ships it, with what a validator must conclude. */
export interface BuiltBlock {
  readonly number: number;
  /** The sealed header and its hash. */
  readonly header: Header;
  readonly hash: Uint8Array;
  /** Extrinsic bodies: the inherents, then the signed ones. */
  readonly extrinsics: readonly Uint8Array[];
  /** The compact storage proof's nodes. */
  readonly proof: readonly Uint8Array[];
  /** SCALE `ParachainBlockData` (uncompressed). */
  readonly blockData: Uint8Array;
  readonly parentHead: Uint8Array;
  readonly relayParentNumber: number;
  readonly relayParentStorageRoot: Uint8Array;
  /** SCALE `ValidationParams`. */
  readonly params: Uint8Array;
  /** SCALE `ValidationResult` the PVF must return. */
  readonly result: Uint8Array;
  /** The state after the block. */
  readonly postState: ChainState;
  readonly slot: bigint;
  /** The key that sealed it. */
  readonly author: KeyPair;
}

export class Collator {
  #state: ChainState;
  #parent: Header;
  #slot: bigint;
  #relayParent: number;

  constructor(readonly config: CollatorConfig) {
    this.#state = config.genesis;
    this.#parent = genesisHeader(config.genesis);
    this.#slot = config.firstSlot;
    this.#relayParent = config.firstRelayParent;
  }

  /** The state at the tip. */
  get state(): ChainState {
    return this.#state;
  }

  /** The tip's header (the genesis header before any block). */
  get head(): Header {
    return this.#parent;
  }

  /** A collator at the same tip, building on independently (to try a block out). */
  fork(): Collator {
    const c = new Collator(this.config);
    c.#state = this.#state;
    c.#parent = this.#parent;
    c.#slot = this.#slot;
    c.#relayParent = this.#relayParent;
    return c;
  }

  /** The hash of the genesis block (what `CheckGenesis` signs over). */
  static genesisHash(genesis: ChainState): Uint8Array {
    return blake2_256(headerCodec.enc(genesisHeader(genesis)));
  }

  /**
   * Builds the next block with the given signed extrinsic bodies after the runtime's
   * inherents, and moves the tip onto it. With `tryOut`, extrinsics the runtime refuses are
   * allowed (the block is then not a valid one, only its post-state is of use).
   * @throws when the peer executor fails a call (the runtime's panic message), or without
   *   `tryOut` when the runtime refused an extrinsic (its extrinsics root differs).
   */
  async next(signed: readonly Uint8Array[], tryOut = false): Promise<BuiltBlock> {
    const { code, authorities, slotDurationMs, paraId } = this.config;
    const parent = this.#parent;
    const parentHead = headerCodec.enc(parent);
    const slot = this.#slot;
    const relayParentNumber = this.#relayParent;
    const relay = relayState({
      paraId,
      slot: (slot * slotDurationMs) / RELAY_SLOT_MS,
      includedHead: parentHead,
    });
    const preRuntime: DigestItem = { tag: 'PreRuntime', value: [AURA, u64.enc(slot)] };
    const draft: Header = {
      parentHash: blake2_256(parentHead),
      number: parent.number + 1,
      stateRoot: new Uint8Array(32),
      extrinsicsRoot: new Uint8Array(32),
      digest: [preRuntime],
    };
    const data = inherentData.enc([
      [
        new TextEncoder().encode('sysi1337'),
        parachainInherentData.enc({
          validationData: {
            parentHead,
            relayParentNumber,
            relayParentStorageRoot: relay.root,
            maxPovSize: MAX_POV_SIZE,
          },
          relayChainState: relay.proof,
          downwardMessages: [],
          horizontalMessages: [],
        }),
      ],
      [new TextEncoder().encode('timstap0'), u64.enc(slot * slotDurationMs)],
    ]);

    const reader = new RecordingReader(this.#state);
    const draftBytes = headerCodec.enc(draft);
    const inherents = Vector(extrinsic).dec(
      (
        await peerCall(
          code,
          [
            ['Core_initialize_block', draftBytes],
            ['BlockBuilder_inherent_extrinsics', data],
          ],
          reader,
        )
      ).output,
    );
    const extrinsics = [...inherents, ...signed];
    const built = await peerCall(
      code,
      [
        ['Core_initialize_block', draftBytes],
        ...extrinsics.map((x) => ['BlockBuilder_apply_extrinsic', extrinsic.enc(x)] as const),
        ['BlockBuilder_finalize_block', new Uint8Array()],
      ],
      reader,
    );
    const postState = this.#state.apply(built.diff);
    const finalized = headerCodec.dec(built.output);
    if (!tryOut && !Buffer.from(finalized.extrinsicsRoot).equals(extrinsicsRoot(extrinsics)))
      throw new Error('the runtime refused an extrinsic (its extrinsics root differs)');
    const unsealed: Header = {
      ...finalized,
      stateRoot: postState.trie().rootHash,
    };
    const author = authorities[Number(slot % BigInt(authorities.length))]!;
    const seal: DigestItem = {
      tag: 'Seal',
      value: [AURA, author.sign(blake2_256(headerCodec.enc(unsealed)))],
    };
    const sealed: Header = { ...unsealed, digest: [...unsealed.digest, seal] };
    const proof = storageProof(this.#state, reader.touched, built.diff);
    const blockData = parachainBlockData.enc({ header: sealed, extrinsics, storageProof: proof });
    const head = headerCodec.enc(sealed);
    const params = validationParams.enc({
      parentHead,
      blockData,
      relayParentNumber,
      relayParentStorageRoot: relay.root,
    });
    const result = validationResult.enc({
      headData: head,
      newValidationCode: undefined,
      upwardMessages: [],
      horizontalMessages: [],
      processedDownwardMessages: 0,
      hrmpWatermark: relayParentNumber,
    });

    this.#state = postState;
    this.#parent = sealed;
    this.#slot += 1n;
    this.#relayParent += 1;
    return {
      number: sealed.number,
      header: sealed,
      hash: blake2_256(head),
      extrinsics,
      proof,
      blockData,
      parentHead,
      relayParentNumber,
      relayParentStorageRoot: relay.root,
      params,
      result,
      postState,
      slot,
      author,
    };
  }
}

/**
 * The compact proof of `parent`'s trie for a block that touched `touched` and wrote `diff`:
 * the nodes on every touched key's path, and for a removed key also the children of the
 * branches on its path (one of which the branch may be merged into), plus in state version 1
 * the value nodes of the touched keys.
 */
export function storageProof(
  parent: ChainState,
  touched: ReadonlySet<string>,
  diff: ReadonlyMap<string, Uint8Array | null>,
): Uint8Array[] {
  const trie = parent.trie();
  const nodes = new Set<TrieNode>();
  const values = new Set<TrieNode>();
  const keys = new Set([...touched, ...diff.keys()]);
  for (const key of keys) {
    const { nodes: path, found } = trie.path(Buffer.from(key, 'hex'), diff.get(key) === null);
    for (const n of path) nodes.add(n);
    if (found) values.add(found);
  }
  return trie.compactProof(nodes, values);
}

/**
 * The genesis header: number 0, zero parent, the genesis state's root and the empty trie's
 * root as extrinsics root (sc-chain-spec `construct_genesis_block`).
 */
export function genesisHeader(genesis: ChainState): Header {
  return {
    parentHash: new Uint8Array(32),
    number: 0,
    stateRoot: genesis.trie().rootHash,
    extrinsicsRoot: blake2_256(Uint8Array.of(0)),
    digest: [],
  };
}

/**
 * frame-system's extrinsics root: the ordered trie root (keys the `Compact<u32>` indices) of
 * the extrinsics' encodings, in state version 0 (`extrinsics_data_root`, frame/system/src/lib.rs).
 */
export function extrinsicsRoot(bodies: readonly Uint8Array[]): Uint8Array {
  return new Trie(
    bodies.map((b, i) => [compact(i), extrinsic.enc(b)] as const),
    0,
  ).rootHash;
}
