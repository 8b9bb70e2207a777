// `ReadRuntimeVersion` as Polkadot's PVF host implements it (executor_interface.rs:427–446
// @0646724e): uncompress the code if it carries a compressed-blob prefix (bomb limit
// `CODE_BLOB_BOMB_LIMIT`, 50 MiB), parse it, and read the embedded `runtime_version` custom
// section with the `runtime_apis` section's APIs (sc-executor `read_embedded_version`,
// wasm_runtime.rs:355–382 @0417de52; runtime/codec/runtime-version.ts), re-encoded as a full
// `RuntimeVersion`. Any failure is `None` to the guest; the reference never falls back to calling
// `Core_version`.
//
// The reference reads the blob with `RuntimeBlob::uncompress_if_needed`
// (substrate/client/executor/common/src/runtime_blob/runtime_blob.rs:41–49 @0646724e): `blob_type`
// must be code (a PoV prefix is `InvalidModule`), and `RuntimeBlob::new` deserializes the
// whole module with parity-wasm 0.45 without its proposal features. So a blob parity-wasm
// cannot read — a sign-extension opcode, a 0xFC instruction, a multi-value type, … — is
// `None` there even when its sections are intact. The determinism step's prevalidation
// (runtime/determinism/analyze.ts) models exactly what parity-wasm refuses; it is reused here.
import { blobType, PREFIX_LENGTH } from '../blob/code-blob.js';
import { decompressZstd, loadZstd } from '../blob/zstd.js';
import { encodeRuntimeVersion, readEmbeddedVersion } from '../codec/runtime-version.js';
import { analyzeModule } from '../determinism/analyze.js';
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
    const type = blobType(code);
    if (type?.type === 'pov') return undefined; // `!blob_type.is_code()`
    if (type?.compressed) {
      const out = decompressZstd(zstd, code.subarray(PREFIX_LENGTH), CODE_BLOB_BOMB_LIMIT);
      if (out.kind !== 'ok') return undefined;
      wasm = out.data;
    }
    const m = parseModule(wasm);
    // `RuntimeBlob::new`: parity-wasm must be able to read the whole module.
    if (analyzeModule(m).kind === 'refused') return undefined;
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
