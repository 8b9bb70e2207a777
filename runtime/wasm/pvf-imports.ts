// How a PVF's imports stand with the host: served host functions, denied networking imports,
// and `env` imports that are linked to stubs which trap only when called.
//
// Must match the host-function set of Polkadot's PVF executor
// (polkadot/node/core/pvf/common/src/executor_interface.rs, `type HostFunctions`): the sp-io
// interfaces misc, crypto, hashing, allocator, logging, trie and input, under
// `allow_missing_func_imports: true` (anything else is stubbed). This is classification by
// interface family; which functions of a family the engine implements is the engine's
// registry (runtime/host/registry.ts).
import { isNetworkInterface } from '../wasi/policy.js';
import { isNetworkImport, PREVIEW1_MODULE } from '../wasi/preview1/names.js';

/** The sp-io interfaces Polkadot serves to PVFs, as import-name families `ext_<family>_…`. */
export const PVF_HOST_FAMILIES = [
  'misc',
  'crypto',
  'hashing',
  'allocator',
  'logging',
  'trie',
  'input',
] as const;

const HOST_FUNCTION = new RegExp(`^ext_(${PVF_HOST_FAMILIES.join('|')})_`);

/** Whether `env.<name>` belongs to an sp-io interface the PVF host serves. */
export const isPvfHostFunction = (name: string): boolean => HOST_FUNCTION.test(name);

/** Why a PVF may not have an import, in plain words. */
export const NETWORK_DENIAL =
  'PVFs may not use the network: the host links no networking function and every worker is ' +
  'sealed without network access';

/**
 * The reason a core-module import (`module.name`) is denied, or undefined when allowed:
 * preview1 socket functions (`wasi_snapshot_preview1.sock_*`) and any import from a
 * `wasi:sockets/*` or `wasi:http/*` interface.
 */
export function deniedCoreImport(module: string, name: string): string | undefined {
  if (module === PREVIEW1_MODULE && isNetworkImport(name))
    return `a WASI socket function. ${NETWORK_DENIAL}`;
  if (isNetworkInterface(module))
    return `from a networking interface (${module}). ${NETWORK_DENIAL}`;
  return undefined;
}

/** The reason a component import (`wasi:sockets/tcp@0.2.0`) is denied, or undefined. */
export function deniedComponentImport(name: string): string | undefined {
  return isNetworkInterface(name) ? `a networking interface. ${NETWORK_DENIAL}` : undefined;
}
