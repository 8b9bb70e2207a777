// sp-version's `RuntimeVersion` and the two custom sections a Substrate runtime embeds it in.
// Must match substrate/primitives/version/src/lib.rs (`RuntimeVersion`,
// `decode_with_version_hint`, `core_version_from_apis`) and sc-executor's
// `read_embedded_version` / `decode_runtime_apis`
// (substrate/client/executor/src/wasm_runtime.rs:355–382 / :336–348 @0417de52): the fields after
// `apis` depend on the version of the `Core` runtime API, and the `runtime_version` section's
// own `apis` list is empty, so the hint comes from `runtime_apis`.
import {
  Bytes,
  type Codec,
  type CodecType,
  createCodec,
  createDecoder,
  Struct,
  Tuple,
  u32,
  u8,
} from 'scale-ts';
import { BoundedVec, bytes, CodecError } from './strict.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `Cow<str>`/`String`: a SCALE byte vector that must be valid UTF-8 (parity-scale-codec). */
export const text: Codec<string> = createCodec(
  (s: string) => bytes.enc(new TextEncoder().encode(s)),
  createDecoder((input) => {
    try {
      return utf8.decode(bytes.dec(input));
    } catch (err) {
      if (err instanceof CodecError) throw err;
      throw new CodecError('invalid UTF-8 in a string');
    }
  }),
);

/** `(ApiId, u32)`: an 8-byte API id (blake2b-64 of the API's trait name) and its version. */
export const apiEntry = Tuple(Bytes(8), u32);
export type ApiEntry = CodecType<typeof apiEntry>;

/** The fields every `RuntimeVersion` encoding starts with (Core API version < 3). */
export const runtimeVersionHead = Struct({
  specName: text,
  implName: text,
  authoringVersion: u32,
  specVersion: u32,
  implVersion: u32,
  apis: BoundedVec(apiEntry, 0xffffffff),
});

export interface RuntimeVersion extends CodecType<typeof runtimeVersionHead> {
  /** Present from Core version 3; 1 when absent (sp-version's default). */
  transactionVersion: number;
  /** `system_version` (was `state_version`), present from Core version 4; 0 when absent. */
  systemVersion: number;
}

/** `blake2b_64(b"Core")`, the id of the `Core` runtime API. */
export const CORE_API_ID = new Uint8Array([0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b]);

/** `core_version_from_apis`: the version of `Core` in `apis`, if listed. */
export function coreVersionFromApis(apis: readonly ApiEntry[]): number | undefined {
  const found = apis.find(([id]) => id.every((b, k) => b === CORE_API_ID[k]));
  return found?.[1];
}

/**
 * `RuntimeVersion::decode_with_version_hint`: decodes a version from the start of `input`
 * (trailing bytes are ignored, as with `Decode::decode` on a slice). With no hint, the Core
 * version comes from the decoded `apis` — what `Decode for RuntimeVersion` (and so the result
 * of the `Core_version` runtime call) uses. Throws {@link CodecError} on malformed input.
 */
export function decodeRuntimeVersion(input: Uint8Array, coreVersion?: number): RuntimeVersion {
  const decode = createDecoder((cursor): RuntimeVersion => {
    const head = runtimeVersionHead.dec(cursor);
    const core = coreVersion ?? coreVersionFromApis(head.apis);
    const transactionVersion = core !== undefined && core >= 3 ? u32.dec(cursor) : 1;
    const systemVersion = core !== undefined && core >= 4 ? u8.dec(cursor) : 0;
    return { ...head, transactionVersion, systemVersion };
  });
  try {
    // scale-ts reads from the buffer at offset 0: hand it one that is exactly the input.
    return decode(input.slice());
  } catch (err) {
    if (err instanceof CodecError) throw err;
    // DataView reads past the end throw RangeError.
    throw new CodecError(`runtime version ends early: ${(err as Error).message}`);
  }
}

/**
 * The latest encoding of a `RuntimeVersion` (all fields), as `RuntimeVersion::encode` writes it
 * — e.g. what `ext_misc_runtime_version_version_1` returns for an embedded version.
 */
export function encodeRuntimeVersion(v: RuntimeVersion): Uint8Array {
  const head = runtimeVersionHead.enc(v);
  const out = new Uint8Array(head.length + 5);
  out.set(head);
  new DataView(out.buffer).setUint32(head.length, v.transactionVersion, true);
  out[head.length + 4] = v.systemVersion;
  return out;
}

/** `RUNTIME_API_INFO_SIZE` (sp-api): each `runtime_apis` record is an id and a LE u32. */
export const RUNTIME_API_INFO_SIZE = 12;

/**
 * `decode_runtime_apis` (wasm_runtime.rs:336–348 @0417de52): the `runtime_apis` custom section is
 * a bare concatenation of 12-byte records (not a SCALE vector). A clipped last record is an
 * error, as in the reference (:345).
 */
export function decodeRuntimeApis(section: Uint8Array): ApiEntry[] {
  if (section.length % RUNTIME_API_INFO_SIZE !== 0)
    throw new CodecError('a clipped runtime api info declaration');
  const view = new DataView(section.buffer, section.byteOffset, section.byteLength);
  const out: ApiEntry[] = [];
  for (let at = 0; at < section.length; at += RUNTIME_API_INFO_SIZE)
    out.push([section.slice(at, at + 8), view.getUint32(at + 8, true)]);
  return out;
}

/**
 * `read_embedded_version` (wasm_runtime.rs:355–382 @0417de52): the version from the
 * `runtime_version` section, its Core hint and `apis` from the `runtime_apis` section when
 * present; undefined without a version section.
 * Throws {@link CodecError} when either section is malformed.
 */
export function readEmbeddedVersion(
  versionSection: Uint8Array | undefined,
  apisSection: Uint8Array | undefined,
): RuntimeVersion | undefined {
  if (versionSection === undefined) return undefined;
  const apis = apisSection === undefined ? undefined : decodeRuntimeApis(apisSection);
  const version = decodeRuntimeVersion(versionSection, apis && coreVersionFromApis(apis));
  return apis ? { ...version, apis } : version;
}
