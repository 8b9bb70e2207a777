// scripts/build.mjs cannot import TypeScript, so it repeats the list of wasm modules the crypto
// host functions load (runtime/host/vendor-wasm.ts); this keeps the two in step, so that no
// built worker looks beside its bundle for a module the build did not copy.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VENDOR_WASMS, vendorWasmPath } from '../../runtime/host/vendor-wasm.js';

describe('vendor wasm modules', () => {
  const build = readFileSync('scripts/build.mjs', 'utf8');

  it.each(VENDOR_WASMS.map((v) => [v.pkg, v] as const))('%s is copied by the build', (_, v) => {
    for (const field of [v.dir, v.file, v.pkg, v.fromEntry, v.licence])
      expect(build).toContain(`'${field}'`);
    // And the installed package has the file where the loader looks for it.
    expect(readFileSync(vendorWasmPath(v)).subarray(0, 4)).toEqual(Buffer.from('\0asm'));
  });
});
