// Which host runs a PVF, decided by its binary: a component (layer 1 header) runs on the
// component host (ABI 2), a core module importing anything from `wasi_snapshot_preview1` on
// the preview1 host (ABI 1); everything else is the engine's (the Substrate ABI). The same
// rule as runtime/wasm/inspect.ts's ABI classification. Both WASI hosts give the engine's
// outcome union, so the worker serves every ABI with the same code after this dispatch.
import type { EngineOutcome, ExecutorParams, PrepareError } from '../engine/types.js';
import { WasmParseError } from '../wasm/reader.js';
import { parseModule } from '../wasm/sections.js';
import { isComponent } from './component/imports.js';
import {
  type PreparedComponent,
  prepareComponent,
  validateBlockComponent,
} from './component/pvf.js';
import { PREVIEW1_MODULE } from './preview1/names.js';
import {
  constructionErrorWasiP1,
  type PreparedWasiP1,
  prepareWasiP1,
  validateBlockWasiP1,
} from './preview1/pvf.js';

export type PreparedWasi = PreparedWasiP1 | PreparedComponent;

export type WasiPrepareOutcome =
  { readonly kind: 'prepared'; readonly prepared: PreparedWasi } | PrepareError;

/** Whether a prepared PVF is one of the WASI ABIs (the engine's have no `abi` tag). */
export const isPreparedWasi = (p: object): p is PreparedWasi =>
  'abi' in p && (p.abi === 'wasi-p1' || p.abi === 'component');

/** Whether `code` is a preview1 core module (imports from `wasi_snapshot_preview1`). */
function isPreview1(code: Uint8Array): boolean {
  try {
    return parseModule(code).imports.some((i) => i.module === PREVIEW1_MODULE);
  } catch (err) {
    if (err instanceof WasmParseError) return false; // the engine reports malformed wasm
    throw err;
  }
}

/**
 * Prepares a WASI PVF, or returns undefined when `code` is not one (leave it to the engine).
 * @throws {BindgenLoadError} if jco's bindgen cannot be loaded (a host fault).
 */
export function prepareWasi(
  code: Uint8Array,
  params: ExecutorParams,
): WasiPrepareOutcome | undefined {
  if (isComponent(code)) return prepareComponent(code, params);
  if (isPreview1(code)) return prepareWasiP1(code, params);
  return undefined;
}

/** Runs `validate_block` / `validate-block` on SCALE `ValidationParams` in a fresh instance. */
export function validateBlockWasi(prepared: PreparedWasi, params: Uint8Array): EngineOutcome {
  return prepared.abi === 'wasi-p1'
    ? validateBlockWasiP1(prepared, params)
    : validateBlockComponent(prepared, params);
}

/**
 * The precheck's construction test (instantiate, run nothing): preview1 modules are
 * instantiated against the host; a component's glue already linked every import at prepare.
 */
export function constructionErrorWasi(prepared: PreparedWasi): string | undefined {
  return prepared.abi === 'wasi-p1' ? constructionErrorWasiP1(prepared) : undefined;
}
