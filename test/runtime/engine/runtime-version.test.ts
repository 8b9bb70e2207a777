// `ReadRuntimeVersion` on hand-built modules: the embedded sections read through the shared codec
// (runtime/codec/runtime-version.ts) and re-encoded whole; anything malformed is `None`. The
// real runtimes' sections against their `Core_version` are in cumulus.test.ts.
import { describe, expect, it } from 'vitest';
import {
  CORE_API_ID,
  decodeRuntimeApis,
  encodeRuntimeVersion,
  type RuntimeVersion,
} from '../../../runtime/codec/runtime-version.js';
import { readRuntimeVersion } from '../../../runtime/engine/runtime-version.js';
import { module, name, section } from '../../support/wasm-bytes.js';

const custom = (id: string, payload: Uint8Array) => section(0, [...name(id), ...payload]);

// What a runtime embeds: the full encoding with an empty `apis` list.
const embedded: RuntimeVersion = {
  specName: 'probe',
  implName: 'probe-node',
  authoringVersion: 1,
  specVersion: 42,
  implVersion: 3,
  apis: [],
  transactionVersion: 7,
  systemVersion: 1,
};
const versionSection = encodeRuntimeVersion(embedded);
const apisSection = Uint8Array.of(...CORE_API_ID, 4, 0, 0, 0);

describe('readRuntimeVersion (executor_interface.rs ReadRuntimeVersion)', () => {
  it('re-encodes the section with the runtime_apis list and the fields its Core version has', () => {
    const code = module(
      custom('runtime_version', versionSection),
      custom('runtime_apis', apisSection),
    );
    expect(readRuntimeVersion(code)).toEqual(
      encodeRuntimeVersion({ ...embedded, apis: decodeRuntimeApis(apisSection) }),
    );
  });

  it('without runtime_apis reads no later fields (Core unknown): defaults 1 and 0', () => {
    expect(readRuntimeVersion(module(custom('runtime_version', versionSection)))).toEqual(
      encodeRuntimeVersion({ ...embedded, transactionVersion: 1, systemVersion: 0 }),
    );
  });

  it.each([
    ['no version section', module(custom('runtime_apis', apisSection))],
    [
      'a clipped runtime_apis record',
      module(
        custom('runtime_version', versionSection),
        custom('runtime_apis', apisSection.subarray(0, 11)),
      ),
    ],
    [
      'a truncated version section',
      module(custom('runtime_version', versionSection.subarray(0, 10))),
    ],
    ['not wasm', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9)],
  ])('is None for %s', (_what, code) => {
    expect(readRuntimeVersion(code)).toBeUndefined();
  });
});
