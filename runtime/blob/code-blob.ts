// Substrate's maybe-compressed blobs: an 8-byte magic prefix naming the blob's type, then a
// zstd stream. Must match sp-maybe-compressed-blob's `decompress_as` and `blob_type`
// (substrate/primitives/maybe-compressed-blob/src/lib.rs): which prefixes a type accepts,
// that an unprefixed blob passes through unchanged only if it starts with its own magic
// (`\0asm` / `PVM\0`), and the bomb limit (more than `limit` bytes out is a possible bomb).
import { decompressZstd, loadZstd } from './zstd.js';

/** `MAX_CODE_SIZE` (polkadot-primitives): the default `max_code_size` host configuration. */
export const MAX_CODE_SIZE = 3 * 1024 * 1024;
/** `MAX_VALIDATION_CODE_COMPRESSION_RATIO` (polkadot runtime parachains). */
export const MAX_VALIDATION_CODE_COMPRESSION_RATIO = 10;
/**
 * Default decompression limit for validation code: 30 MiB. The newest reference takes it from
 * the runtime API `validation_code_bomb_limit` = `max_code_size × 10`; older nodes used
 * `VALIDATION_CODE_BOMB_LIMIT = MAX_CODE_SIZE × 4` (12 MiB), under which the 13.5 MB Moonbase
 * runtime would be refused.
 */
export const VALIDATION_CODE_BOMB_LIMIT = MAX_CODE_SIZE * MAX_VALIDATION_CODE_COMPRESSION_RATIO;
/** `MAX_POV_SIZE` (polkadot-primitives). */
export const MAX_POV_SIZE = 10 * 1024 * 1024;
/** `POV_BOMB_LIMIT = MAX_POV_SIZE × 4` (polkadot-node-primitives): 40 MiB. */
export const POV_BOMB_LIMIT = MAX_POV_SIZE * 4;

/** The reference's `MaybeCompressedBlobType`. */
export type BlobType = 'legacy' | 'pov' | 'wasm' | 'pvm';

const PREFIX = [0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e];
export const PREFIX_LENGTH = 8;
const VERSION_BYTE: Record<number, BlobType> = { 5: 'legacy', 6: 'pov', 7: 'wasm', 8: 'pvm' };
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const PVM_MAGIC = [0x50, 0x56, 0x4d, 0x00];

/** What a blob looks like from its first bytes (`blob_type`), or undefined if nothing known. */
export function blobType(blob: Uint8Array): { type: BlobType; compressed: boolean } | undefined {
  if (startsWith(blob, PREFIX) && blob.length >= PREFIX_LENGTH) {
    const type = VERSION_BYTE[blob[7]!];
    if (type) return { type, compressed: true };
  }
  if (startsWith(blob, WASM_MAGIC)) return { type: 'wasm', compressed: false };
  if (startsWith(blob, PVM_MAGIC)) return { type: 'pvm', compressed: false };
  return undefined;
}

/** The outcome of {@link decompressAs}. */
export type BlobResult =
  | {
      kind: 'ok';
      /** The blob's own type (a `legacy` prefix is accepted as code and as a PoV). */
      type: BlobType;
      compressed: boolean;
      /** The decompressed bytes (the blob itself when it was not compressed). */
      bytes: Uint8Array;
    }
  /** More than `limit` bytes would come out: refused as a possible compression bomb. */
  | { kind: 'possible-bomb'; limit: number }
  /** The blob is of another type than the one asked for (e.g. a PoV or PVM blob as wasm). */
  | { kind: 'unsupported-type'; expected: 'wasm' | 'pov' | 'pvm'; found: BlobType }
  /** Neither a known prefix nor the expected magic, or a malformed zstd stream. */
  | { kind: 'invalid'; reason: string };

export interface DecompressOptions {
  /** Largest accepted decompressed size in bytes. Default: {@link VALIDATION_CODE_BOMB_LIMIT} for code, {@link POV_BOMB_LIMIT} for a PoV. */
  limit?: number;
}

/** Rejects a limit that is not a non-negative safe integer (API misuse). */
export class BlobOptionsError extends Error {
  override name = 'BlobOptionsError';
}

/**
 * Mirrors `decompress_as(ty, blob, bomb_limit)`: checks the blob's type against `expected`
 * (`wasm` accepts the wasm and legacy prefixes and raw `\0asm`; `pov` accepts the PoV and
 * legacy prefixes), then decompresses a prefixed blob with at most `limit` bytes of output.
 * @throws {BlobOptionsError} if `limit` is not a non-negative safe integer.
 */
export async function decompressAs(
  expected: 'wasm' | 'pov' | 'pvm',
  blob: Uint8Array,
  options: DecompressOptions = {},
): Promise<BlobResult> {
  const limit = options.limit ?? (expected === 'pov' ? POV_BOMB_LIMIT : VALIDATION_CODE_BOMB_LIMIT);
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new BlobOptionsError(`limit must be a non-negative integer, got ${limit}`);
  const found = blobType(blob);
  if (!found)
    return {
      kind: 'invalid',
      reason:
        blob.length === 0
          ? 'empty blob'
          : 'neither a compressed-blob prefix nor the magic bytes of a wasm or PVM module',
    };
  const accepted = found.type === expected || (found.type === 'legacy' && expected !== 'pvm');
  if (!accepted) return { kind: 'unsupported-type', expected, found: found.type };
  if (!found.compressed) return { kind: 'ok', type: found.type, compressed: false, bytes: blob };
  const z = await loadZstd();
  const out = decompressZstd(z, blob.subarray(PREFIX_LENGTH), limit);
  if (out.kind !== 'ok') return out;
  return { kind: 'ok', type: found.type, compressed: true, bytes: out.data };
}

/** Shorthand for validation code: `decompressAs('wasm', blob, options)`. */
export const decompressCode = (
  blob: Uint8Array,
  options?: DecompressOptions,
): Promise<BlobResult> => decompressAs('wasm', blob, options);

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (b[k] !== prefix[k]) return false;
  return true;
}
