// `ReadRuntimeVersion` as Polkadot's PVF host implements it (executor_interface.rs): uncompress
// the code if it carries a compressed-blob prefix (bomb limit `CODE_BLOB_BOMB_LIMIT`, 50 MiB),
// parse it, and read the embedded `runtime_version` custom section with the `runtime_apis`
// section's APIs (sc-executor `read_embedded_version`, runtime/codec/runtime-version.ts),
// re-encoded as a full `RuntimeVersion`. Any failure is `None` to the guest; the reference
// never falls back to calling `Core_version`.
import { blobType, PREFIX_LENGTH } from '../blob/code-blob.js';
import { decompressZstd, loadZstd } from '../blob/zstd.js';
import { encodeRuntimeVersion, readEmbeddedVersion } from '../codec/runtime-version.js';
import { customSectionBytes, parseModule } from '../wasm/sections.js';

/** sp-maybe-compressed-blob `CODE_BLOB_BOMB_LIMIT`. */
const CODE_BLOB_BOMB_LIMIT = 50 * 1024 * 1024;

// The decoder is instantiated once, asynchronously, when the engine is loaded; the host
// function that needs it is synchronous.
const zstd = await loadZstd();

/** The SCALE `RuntimeVersion` embedded in `code`, or undefined if it cannot be read. */
export function readRuntimeVersion(code: Uint8Array): Uint8Array | undefined {
  try {
    let wasm = code;
    if (blobType(code)?.compressed) {
      const out = decompressZstd(zstd, code.subarray(PREFIX_LENGTH), CODE_BLOB_BOMB_LIMIT);
      if (out.kind !== 'ok') return undefined;
      wasm = out.data;
    }
    const m = parseModule(wasm);
    const section = (name: string) => {
      const s = m.customSections.find((c) => c.name === name);
      return s && customSectionBytes(m, s);
    };
    const version = readEmbeddedVersion(section('runtime_version'), section('runtime_apis'));
    return version && encodeRuntimeVersion(version);
  } catch {
    // Malformed wasm, a malformed section or a blob that does not decompress: `None`.
    return undefined;
  }
}
