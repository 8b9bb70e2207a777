// How a PVF's imports stand with the host: served host functions, denied networking imports,
// and `env` imports that are linked to stubs which trap only when called. Which `env` names
// are served is the engine's registry (runtime/host/registry.ts, the reference's
// `HostFunctions` from polkadot/node/core/pvf/common/src/executor_interface.rs:256–264
// @0646724e as far as this host implements it): one source for linking and for `pvf inspect`.
import { PVF_HOST_FUNCTIONS, REFERENCE_ONLY } from '../host/registry.js';
import { isNetworkInterface } from '../wasi/policy.js';
import { isNetworkImport, PREVIEW1_MODULE } from '../wasi/preview1/names.js';

/** Whether `env.<name>` is a host function this host serves (the registry's). */
export const isPvfHostFunction = (name: string): boolean => PVF_HOST_FUNCTIONS.has(name);

/** Whether the reference serves `env.<name>` although this host links it to a stub. */
export const isReferenceOnlyHostFunction = (name: string): boolean => REFERENCE_ONLY.has(name);

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
