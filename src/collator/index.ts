// The offline Cumulus collator: re-exports only.
export {
  Collator,
  extrinsicsRoot,
  genesisHeader,
  storageProof,
  type BuiltBlock,
  type CollatorConfig,
} from './collator.js';
export { DEV_ACCOUNTS, devKeyPair, type DevAccount, type KeyPair } from './dev-keys.js';
export { expectedPanic, NEGATIVE_KINDS, negativeParams, type NegativeKind } from './negatives.js';
export {
  assetHubKusama,
  PARACHAINS,
  type AssertionStyle,
  type Parachain,
  type ParachainName,
  type RawChainSpec,
  withGenesis,
} from './parachains.js';
export { paddedParachain } from './padding.js';
export { PeerCallError, PeerUnavailableError, peerCall, peerStateRoot } from './peer.js';
export { shippedPov } from './pov-blob.js';
export { relayState, type RelayState, type RelayStateInput } from './relay-state.js';
export { ChainState } from './state.js';
export { templateParachain } from './template-genesis.js';
export { TRANSFER_AMOUNT, type TransferBlock, TransferChain } from './transfer-chain.js';
export { type StateVersion, Trie } from './trie.js';
