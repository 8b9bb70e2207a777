import { describe, expect, it } from 'vitest';
import {
  CORE_API_ID,
  coreVersionFromApis,
  decodeRuntimeApis,
  decodeRuntimeVersion,
  encodeRuntimeVersion,
  readEmbeddedVersion,
  runtimeVersionHead,
  type RuntimeVersion,
} from '../../../runtime/codec/runtime-version.js';
import { CodecError } from '../../../runtime/codec/strict.js';
import { hex } from '../../support/fixtures.js';

const OTHER_API = new Uint8Array([0x37, 0xe3, 0x97, 0xfc, 0x7c, 0x91, 0xf5, 0xe4]); // Metadata

const version = (core: number, extra: Partial<RuntimeVersion> = {}): RuntimeVersion => ({
  specName: 'test',
  implName: 'test',
  authoringVersion: 1,
  specVersion: 1,
  implVersion: 1,
  apis: [
    [OTHER_API, 2],
    [CORE_API_ID, core],
  ],
  transactionVersion: 3,
  systemVersion: 4,
  ...extra,
});

describe('RuntimeVersion (sp-version decode_with_version_hint)', () => {
  it('encodes every field in order, little-endian', () => {
    const v = version(4);
    expect(hex(encodeRuntimeVersion(v))).toBe(
      '0x' +
        '1074657374' + // "test"
        '1074657374' +
        '01000000' + // authoring
        '01000000' + // spec
        '01000000' + // impl
        '08' + // two apis
        hex(OTHER_API).slice(2) +
        '02000000' +
        hex(CORE_API_ID).slice(2) +
        '04000000' +
        '03000000' + // transaction_version
        '04', // system_version
    );
    expect(decodeRuntimeVersion(encodeRuntimeVersion(v))).toEqual(v);
  });

  // The reference's tests in sc-executor wasm_runtime.rs: old_runtime_version_decodes,
  // old_runtime_version_decodes_fails_with_version_3, new_runtime_version_decodes.
  it('Core < 3: no transaction or system version (defaults 1 and 0)', () => {
    const old = runtimeVersionHead.enc(version(1));
    expect(decodeRuntimeVersion(old)).toMatchObject({ transactionVersion: 1, systemVersion: 0 });
  });

  it('Core 3 without a transaction version fails', () => {
    expect(() => decodeRuntimeVersion(runtimeVersionHead.enc(version(3)))).toThrow(CodecError);
  });

  it('Core 3 reads the transaction version only; Core 4 reads both', () => {
    expect(decodeRuntimeVersion(encodeRuntimeVersion(version(3)))).toMatchObject({
      transactionVersion: 3,
      systemVersion: 0,
    });
    expect(decodeRuntimeVersion(encodeRuntimeVersion(version(4)))).toMatchObject({
      transactionVersion: 3,
      systemVersion: 4,
    });
  });

  it('a hint overrides the apis in the encoding', () => {
    const embedded = encodeRuntimeVersion(version(4, { apis: [] }));
    expect(decodeRuntimeVersion(embedded)).toMatchObject({
      transactionVersion: 1,
      systemVersion: 0,
    });
    expect(decodeRuntimeVersion(embedded, 4)).toMatchObject({
      transactionVersion: 3,
      systemVersion: 4,
    });
  });

  it('ignores trailing bytes, like Decode::decode on a slice', () => {
    const b = new Uint8Array([...encodeRuntimeVersion(version(4)), 0xff, 0xff]);
    expect(decodeRuntimeVersion(b)).toEqual(version(4));
  });

  it('refuses invalid UTF-8 and input that ends early', () => {
    const bad = encodeRuntimeVersion(version(4));
    bad[1] = 0xff;
    expect(() => decodeRuntimeVersion(bad)).toThrow(/UTF-8/);
    const short = encodeRuntimeVersion(version(4)).subarray(0, 20);
    expect(() => decodeRuntimeVersion(short)).toThrow(CodecError);
  });

  it('finds the Core version among the apis', () => {
    expect(coreVersionFromApis(version(5).apis)).toBe(5);
    expect(coreVersionFromApis([[OTHER_API, 1]])).toBeUndefined();
  });
});

describe('embedded sections (sc-executor read_embedded_version)', () => {
  const apisSection = new Uint8Array([...CORE_API_ID, 4, 0, 0, 0, ...OTHER_API, 2, 0, 0, 0]);

  it('decodes runtime_apis as bare 12-byte records', () => {
    expect(decodeRuntimeApis(apisSection)).toEqual([
      [CORE_API_ID, 4],
      [OTHER_API, 2],
    ]);
    expect(() => decodeRuntimeApis(apisSection.subarray(0, 20))).toThrow(/clipped/);
  });

  it('takes the Core hint and the apis from runtime_apis', () => {
    const section = encodeRuntimeVersion(version(4, { apis: [] }));
    const v = readEmbeddedVersion(section, apisSection);
    expect(v).toMatchObject({ transactionVersion: 3, systemVersion: 4 });
    expect(v?.apis).toEqual(decodeRuntimeApis(apisSection));
    expect(readEmbeddedVersion(undefined, apisSection)).toBeUndefined();
    expect(readEmbeddedVersion(section, undefined)).toMatchObject({ transactionVersion: 1 });
  });
});
