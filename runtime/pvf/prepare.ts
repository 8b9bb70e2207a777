// Which host runs a PVF, decided by its binary: a component or a preview1 module goes to its
// WASI host (../wasi/abi.ts), anything else to the engine (the Substrate ABI).
import {
  callExport,
  checkExecutorParams,
  prepare as prepareModule,
  type PrepareOptions,
  validateBlock,
} from '../engine/index.js';
import { makeStandby } from '../engine/standby.js';
import type { ExecutorParams, PreparedModule } from '../engine/types.js';
import { prepareWasi } from '../wasi/abi.js';
import type { PreparedPvf, PvfPrepareOutcome } from './prepared.js';

/**
 * Prepares `code` under the ABI its binary shows, with unchecked executor `params`. `options`
 * apply to the Substrate ABI (the WASI hosts compile lazily).
 * @throws {ExecutorParamsError} if `params` are not valid executor parameters.
 * @throws {BindgenLoadError} if jco's bindgen cannot be loaded (a host fault).
 */
export function preparePvf(
  code: Uint8Array,
  params: Partial<ExecutorParams>,
  options: PrepareOptions = {},
): PvfPrepareOutcome {
  const wasi = prepareWasi(code, checkExecutorParams(params));
  if (wasi !== undefined) return wasi;
  const m = prepareModule(code, params, options);
  return m.kind === 'prepared' ? { kind: 'prepared', prepared: substratePvf(m.prepared) } : m;
}

/** The engine's prepared module as a {@link PreparedPvf}. */
export function substratePvf(prepared: PreparedModule): PreparedPvf {
  return {
    abi: 'substrate',
    validate: (params) => validateBlock(prepared, params),
    call: (fn, input) => callExport(prepared, fn, input),
    // Prechecking adds nothing to compiling: the reference's `runtime_construction_check`
    // (polkadot/node/core/pvf/prepare-worker/src/lib.rs:316–325 @4de02321) is
    // `create_runtime_from_artifact_bytes` (:321), i.e. `prepare_imports` plus `instantiate_pre`
    // (sc-executor-wasmtime runtime.rs:576–649 @032b47f2 `do_create_runtime`), which `prepare`
    // already mirrors (link.ts); it never instantiates, so a trapping start function or an
    // out-of-bounds data segment passes precheck there and is an invalid candidate at every
    // execution.
    constructionError: () => undefined,
    standby: () => makeStandby(prepared),
  };
}
