// The host functions Polkadot serves to PVFs (polkadot/node/core/pvf/common/src/
// executor_interface.rs, `HostFunctions`: sp-io misc, crypto, hashing, allocator, logging, trie),
// keyed by exact import name. Anything a PVF imports that is not here links to a trapping stub.
//
// Not served, so they link to trapping stubs although the reference serves them:
// `ext_trie_{blake2,keccak}_256_verify_proof_version_{1,2}`. No known parachain runtime imports
// them; a runtime that calls one is judged invalid here where the reference would go on.
import { allocator } from './allocator.js';
import type { HostFamily, HostFunction } from './context.js';
import { crypto } from './crypto.js';
import { hashing } from './hashing.js';
import { logging } from './logging.js';
import { misc } from './misc.js';
import { panicHandler } from './panic-handler.js';
import { trie } from './trie.js';

const FAMILIES: readonly HostFamily[] = [
  allocator,
  crypto,
  hashing,
  logging,
  misc,
  panicHandler,
  trie,
];

export const PVF_HOST_FUNCTIONS: ReadonlyMap<string, HostFunction> = new Map(
  FAMILIES.flatMap((family) => Object.entries(family)),
);
