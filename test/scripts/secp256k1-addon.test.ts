// The native secp256k1 addon's build and its C boundary: the build skips it with one line when
// no C compiler is found (recovery then runs on the wasm build), and the addon answers misuse
// with a status, never an exception or an abort, so a fast-path failure can only ever hand the
// call to the reference.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secp256k1AddonPath } from '../../runtime/host/secp256k1-native.js';

const BUILT = secp256k1AddonPath() !== undefined || process.env.CI === 'true';

describe('secp256k1 native addon', () => {
  it('without a C compiler the build prints one line and makes no addon', () => {
    const out = mkdtempSync(join(tmpdir(), 'pvf-secp-'));
    try {
      const stdout = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { buildSecp256k1Addon } from './scripts/build-secp256k1-addon.mjs';
           process.exitCode = buildSecp256k1Addon(${JSON.stringify(out)}) === null ? 0 : 1;`,
        ],
        { encoding: 'utf8', env: { ...process.env, CC: '/nonexistent/cc' } },
      );
      expect(stdout).toBe(
        'secp256k1 native addon skipped: no C compiler (cc); recovery runs on the wasm build\n',
      );
      expect(existsSync(join(out, 'secp256k1.node'))).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.runIf(BUILT)('answers misuse with a status and recovers the known key', () => {
    const addon = createRequire(import.meta.url)(secp256k1AddonPath()!) as {
      recover(...args: unknown[]): number;
      version: string;
    };
    expect(addon.version).toMatch(/^libsecp256k1 from secp256k1@\d+\.\d+\.\d+ /);
    const io = new Uint8Array(161);
    io.set(Buffer.from('a30b64ce1eedf409c8afb801d72c05234e64849ea538c15dd3c8cf4ffcf166c9', 'hex'));
    io.set(
      Buffer.from(
        '7505f2880114da51b3f5d535f8687953c0ab9af4ab81e592eaebebf53b728d2b6dfd9b5bcd70fee412b1f31360e7c2774009305cb84fc50c1d0ff8034dfa5fff',
        'hex',
      ),
      32,
    );
    expect(addon.recover()).toBe(-1); // too few arguments
    expect(addon.recover(new Uint8Array(160), 0, 33)).toBe(-2); // buffer too short
    expect(addon.recover(new Uint16Array(161), 0, 33)).toBe(-2); // not bytes
    expect(addon.recover(io, 4, 33)).toBe(-3); // recovery id out of range
    expect(addon.recover(io, -1, 33)).toBe(-3);
    expect(addon.recover(io, 0, 64)).toBe(-3); // neither 33 nor 65
    expect(addon.recover(io, 0, 33)).toBe(1);
    expect(Buffer.from(io.subarray(96, 129)).toString('hex')).toBe(
      '028d13da15a02f3a70677339d51b14177ee9b49657662b35e56a9d9dee17db1d30',
    );
    // r >= n: libsecp256k1's parse_compact refuses it (the caller reduces or refuses first).
    io.fill(0xff, 32, 64);
    expect(addon.recover(io, 0, 65)).toBe(0);
  });
});
