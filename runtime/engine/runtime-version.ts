// `ReadRuntimeVersion` as Polkadot's PVF host implements it (executor_interface.rs): uncompress
// the code if it carries a compressed-blob prefix (bomb limit `CODE_BLOB_BOMB_LIMIT`, 50 MiB),
// parse it, and read the embedded `runtime_version` custom section with the `runtime_apis`
// section's APIs (sc-executor `read_embedded_version`), re-encoded as a full `RuntimeVersion`.
// Any failure is `None` to the guest; the reference never falls back to calling `Core_version`.
import { blobType, PREFIX_LENGTH } from '../blob/code-blob.js';
import { decompressZstd, loadZstd } from '../blob/zstd.js';
import { customSectionBytes, parseModule } from '../wasm/sections.js';

/** sp-maybe-compressed-blob `CODE_BLOB_BOMB_LIMIT`. */
const CODE_BLOB_BOMB_LIMIT = 50 * 1024 * 1024;
/** `blake2_64(b"Core")`, the `Core` runtime API id. */
const CORE_API_ID = [0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b];

// The decoder is instantiated once, asynchronously, when the engine is loaded; the host
// function that needs it is synchronous.
const zstd = await loadZstd();

/** The SCALE `RuntimeVersion` embedded in `code`, or undefined if it cannot be read. */
export function readRuntimeVersion(code: Uint8Array): Uint8Array | undefined {
  try {
    let wasm = code;
    const type = blobType(code);
    if (type?.compressed) {
      const out = decompressZstd(zstd, code.subarray(PREFIX_LENGTH), CODE_BLOB_BOMB_LIMIT);
      if (out.kind !== 'ok') return undefined;
      wasm = out.data;
    }
    const m = parseModule(wasm);
    const section = (name: string) => {
      const s = m.customSections.find((c) => c.name === name);
      return s && customSectionBytes(m, s);
    };
    const version = section('runtime_version');
    if (version === undefined) return undefined;
    const apisSection = section('runtime_apis');
    const apis = apisSection === undefined ? undefined : decodeApis(apisSection);
    if (apis === null) return undefined;
    return reencode(version, apis);
  } catch {
    return undefined;
  }
}

/** `decode_runtime_apis`: 12-byte records `([u8; 8], u32)`; any other length is an error. */
function decodeApis(bytes: Uint8Array): Uint8Array[] | null {
  if (bytes.length % 12 !== 0) return null;
  const out: Uint8Array[] = [];
  for (let k = 0; k < bytes.length; k += 12) out.push(bytes.subarray(k, k + 12));
  return out;
}

/**
 * `RuntimeVersion::decode_with_version_hint` then `encode`: the fields up to `apis` as they
 * are, the section's APIs replaced by `runtime_apis` when present, `transaction_version` read
 * only if the Core API version is >= 3 (else 1) and `system_version` only if >= 4 (else 0).
 */
function reencode(
  section: Uint8Array,
  apisOverride: Uint8Array[] | undefined,
): Uint8Array | undefined {
  const r = new Cursor(section);
  const specName = r.str();
  const implName = r.str();
  const fixed = r.take(12); // authoring_version, spec_version, impl_version
  const n = r.compact();
  const ownApis: Uint8Array[] = [];
  for (let k = 0; k < n; k++) ownApis.push(r.take(12));
  const apis = apisOverride ?? ownApis;
  const core = apis.find((a) => CORE_API_ID.every((b, i) => a[i] === b));
  const coreVersion = core && new DataView(core.buffer, core.byteOffset + 8, 4).getUint32(0, true);
  const transaction =
    coreVersion !== undefined && coreVersion >= 3 ? r.take(4) : Uint8Array.of(1, 0, 0, 0);
  const system = coreVersion !== undefined && coreVersion >= 4 ? r.take(1) : Uint8Array.of(0);
  return concat([specName, implName, fixed, compactLen(apis.length), ...apis, transaction, system]);
}

/** A strict reader of the version section; throws on truncation or bad UTF-8. */
class Cursor {
  private at = 0;
  constructor(private readonly b: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.at + n > this.b.length) throw new Error('truncated version section');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  compact(): number {
    const first = this.take(1)[0]!;
    const mode = first & 3;
    if (mode === 0) return first >>> 2;
    const rest = this.take(mode === 1 ? 1 : mode === 2 ? 3 : 4);
    const all = [first, ...rest];
    if (mode === 3) {
      if (first >>> 2 !== 0) throw new Error('compact too large');
      const v = (all[1]! | (all[2]! << 8) | (all[3]! << 16) | (all[4]! << 24)) >>> 0;
      if (v <= 0x3fffffff) throw new Error('non-minimal compact');
      return v;
    }
    const v = all.reduce((acc, byte, i) => acc + byte * 2 ** (8 * i), 0) / 4;
    const v2 = Math.floor(v);
    if ((mode === 1 && v2 <= 0x3f) || (mode === 2 && v2 <= 0x3fff))
      throw new Error('non-minimal compact');
    return v2;
  }
  /** A SCALE `String`, returned re-encoded (length prefix + bytes). */
  str(): Uint8Array {
    const start = this.at;
    const len = this.compact();
    new TextDecoder('utf-8', { fatal: true }).decode(this.take(len));
    return this.b.subarray(start, this.at);
  }
}

function compactLen(n: number): Uint8Array {
  if (n < 64) return Uint8Array.of(n << 2);
  if (n < 16384) return Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  const v = (n * 4 + 2) >>> 0;
  return Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
