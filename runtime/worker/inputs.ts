// Untrusted bytes the worker turns into engine inputs: code blobs and PoVs are decompressed
// here (inside the sandbox, never in the host), with the reference's bomb limits.
import { validationParams } from '../codec/validation.js';
import type { ExecuteInput } from '../protocol/messages.js';

export type Decompressed =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array }
  | { readonly kind: 'error'; readonly message: string };

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** The code as the engine wants it (plain wasm). */
export function decompressCode(blob: Uint8Array): Decompressed {
  // Provisional until runtime/blob/code-blob.ts lands: plain wasm only.
  if (WASM_MAGIC.every((b, i) => blob[i] === b)) return { kind: 'ok', bytes: blob };
  return { kind: 'error', message: 'compressed code blobs are not supported yet' };
}

/** A PoV's block data, decompressed if it carries the PoV (or legacy) blob prefix. */
export function decompressPov(blockData: Uint8Array): Decompressed {
  return { kind: 'ok', bytes: blockData };
}

/** SCALE `ValidationParams` from the persisted validation data and the block data. */
export function encodeParams(
  input: Extract<ExecuteInput, { kind: 'pov' }>,
  blockData: Uint8Array,
): Uint8Array {
  return validationParams.enc({
    parentHead: input.parentHead,
    blockData,
    relayParentNumber: input.relayParentNumber,
    relayParentStorageRoot: input.relayParentStorageRoot,
  });
}
