// The WASI ABIs as prepared PVFs, decided by the binary: a component (layer 1 header) runs on
// the component host (ABI 2), a core module importing anything from `wasi_snapshot_preview1`
// on the preview1 host (ABI 1); everything else is the engine's (the Substrate ABI). The same
// rule as runtime/wasm/inspect.ts's ABI classification.
import type { ExecutorParams } from '../engine/types.js';
import type { PreparedPvf, PvfPrepareOutcome } from '../pvf/prepared.js';
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
): PvfPrepareOutcome | undefined {
  const o = isComponent(code)
    ? prepareComponent(code, params)
    : isPreview1(code)
      ? prepareWasiP1(code, params)
      : undefined;
  if (o?.kind !== 'prepared') return o;
  return { kind: 'prepared', prepared: wasiPvf(o.prepared) };
}

/** A prepared `wasi-p1` module or component as a {@link PreparedPvf}. */
export function wasiPvf(prepared: PreparedWasiP1 | PreparedComponent): PreparedPvf {
  if (prepared.abi === 'wasi-p1')
    return {
      abi: 'wasi-p1',
      validate: (params) => validateBlockWasiP1(prepared, params),
      // Instantiated against the host without running anything.
      constructionError: () => constructionErrorWasiP1(prepared),
    };
  return {
    abi: 'component',
    validate: (params) => validateBlockComponent(prepared, params),
    // The glue linked every import at prepare; the core modules were compiled then.
    constructionError: () => undefined,
  };
}
