// Conformance corpus, `ext_misc_runtime_version`: the reference reads the blob with
// `RuntimeBlob::uncompress_if_needed` → `RuntimeBlob::new` (parity-wasm 0.45, no proposal
// features; substrate/client/executor/common/src/runtime_blob/runtime_blob.rs) before looking
// at the custom sections (polkadot/node/core/pvf/common/src/executor_interface.rs,
// `ReadRuntimeVersion`). A blob parity-wasm cannot read is `None`, however intact its sections.
import { describe, expect, it } from 'vitest';
import {
  encodeRuntimeVersion,
  type RuntimeVersion,
} from '../../../runtime/codec/runtime-version.js';
import { readRuntimeVersion } from '../../../runtime/engine/runtime-version.js';
import { name, section } from '../../support/wasm-bytes.js';
import { wat } from '../../support/wat.js';
import { blobPrefix, frameHeader, rawBlock } from '../../support/zstd-frames.js';

const version: RuntimeVersion = {
  specName: 'probe',
  implName: 'probe',
  authoringVersion: 1,
  specVersion: 9,
  implVersion: 1,
  apis: [],
  transactionVersion: 1,
  systemVersion: 0,
};
const withVersion = async (body: string) =>
  Uint8Array.from([
    ...(await wat(`(module (func (result i32) ${body}))`)),
    ...section(0, [...name('runtime_version'), ...encodeRuntimeVersion(version)]),
  ]);

describe('ext_misc_runtime_version refuses what RuntimeBlob::new refuses', () => {
  it.each([
    ['sign extension (0xC0)', '(i32.extend8_s (i32.const 1))'],
    ['a saturating conversion (0xFC 0x00)', '(i32.trunc_sat_f32_s (f32.const 1))'],
  ])('%s: None', async (_what, body) => {
    expect(readRuntimeVersion(await withVersion(body))).toBeUndefined();
  });
  it('control: the same module with an MVP body: Some(version)', async () => {
    expect(readRuntimeVersion(await withVersion('(i32.const 1)'))).toEqual(
      encodeRuntimeVersion(version),
    );
  });

  // `uncompress_if_needed`: `blob_type(blob)` must be code; a PoV prefix is `InvalidModule`.
  const compressed = async (version: number) => {
    const wasm = [...(await withVersion('(i32.const 1)'))];
    return Uint8Array.from([...blobPrefix(version), ...frameHeader(), ...rawBlock(wasm)]);
  };
  it('a PoV-prefixed blob is not code: None', async () => {
    expect(readRuntimeVersion(await compressed(6))).toBeUndefined();
  });
  it('control: the same stream with the wasm-code prefix: Some(version)', async () => {
    expect(readRuntimeVersion(await compressed(7))).toEqual(encodeRuntimeVersion(version));
  });
});
