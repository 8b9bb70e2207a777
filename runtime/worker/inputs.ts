// Untrusted bytes the worker turns into engine inputs: code blobs and PoVs are decompressed
// here (inside the sandbox, never in the host), with the reference's bomb limits.
import {
  blobType,
  type BlobResult,
  decompressAs,
  decompressCode as decompress,
} from '../blob/code-blob.js';
import { compact } from 'scale-ts';
import type { ExecuteInput } from '../protocol/messages.js';

export type Decompressed =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array }
  | { readonly kind: 'error'; readonly message: string };

function result(r: BlobResult): Decompressed {
  switch (r.kind) {
    case 'ok':
      return { kind: 'ok', bytes: r.bytes };
    case 'possible-bomb':
      return {
        kind: 'error',
        message: `Possible compression bomb encountered (limit ${r.limit} bytes)`,
      };
    case 'unsupported-type':
      return { kind: 'error', message: `a ${r.found} blob where ${r.expected} was expected` };
    case 'invalid':
      return { kind: 'error', message: r.reason };
  }
}

/**
 * The code as the engine wants it (plain wasm): the prepare worker's
 * `sp_maybe_compressed_blob::decompress(code, validation_code_bomb_limit)`.
 */
export async function decompressCode(blob: Uint8Array): Promise<Decompressed> {
  return result(await decompress(blob));
}

/**
 * A PoV's block data: decompressed (limit `POV_BOMB_LIMIT`) when it carries a compressed-blob
 * prefix, passed through as it is otherwise, like the reference's
 * `sp_maybe_compressed_blob::decompress(&pov.block_data.0, POV_BOMB_LIMIT)`.
 */
export async function decompressPov(blockData: Uint8Array): Promise<Decompressed> {
  if (blobType(blockData)?.compressed !== true) return { kind: 'ok', bytes: blockData };
  return result(await decompressAs('pov', blockData));
}

/**
 * SCALE `ValidationParams` from the persisted validation data and the block data: the same
 * bytes as `validationParams.enc` (runtime/codec/validation.ts), written into one buffer of the
 * exact size. The codec's encoder merges each field's encoding and then the fields, which copies
 * a 10 MiB block data twice; here it is copied once (measured: bench/pov-size.ts).
 */
export function encodeParams(
  input: Extract<ExecuteInput, { kind: 'pov' }>,
  blockData: Uint8Array,
): Uint8Array {
  const headLength = compact.enc(input.parentHead.length);
  const dataLength = compact.enc(blockData.length);
  // `Bytes(32)`'s encoder writes the first 32 bytes (the host checks the root has exactly 32).
  const root = input.relayParentStorageRoot.subarray(0, 32);
  const out = new Uint8Array(
    headLength.length +
      input.parentHead.length +
      dataLength.length +
      blockData.length +
      4 +
      root.length,
  );
  let at = 0;
  for (const part of [headLength, input.parentHead, dataLength, blockData]) {
    out.set(part, at);
    at += part.length;
  }
  new DataView(out.buffer).setUint32(at, input.relayParentNumber, true);
  out.set(root, at + 4);
  return out;
}
