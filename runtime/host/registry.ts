// The host functions Polkadot serves to PVFs (polkadot/node/core/pvf/common/src/
// executor_interface.rs, `HostFunctions`: sp-io misc, crypto, hashing, allocator, logging, trie),
// keyed by exact import name. Anything a PVF imports that is not here links to a trapping stub.
import { allocator } from './allocator.js';
import type { HostFamily, HostFunction } from './context.js';
import { logging } from './logging.js';
import { panicHandler } from './panic-handler.js';

const FAMILIES: readonly HostFamily[] = [allocator, logging, panicHandler];

export const PVF_HOST_FUNCTIONS: ReadonlyMap<string, HostFunction> = new Map(
  FAMILIES.flatMap((family) => Object.entries(family)),
);
