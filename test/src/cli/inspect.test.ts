// `pvf inspect` as a user runs it: a real process, its exit code, stdout and stderr.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { FIXTURES_DIR, HAVE_FIXTURES } from '../../support/fixtures.js';
import { HEADER } from '../../support/wasm-bytes.js';
import { blobPrefix, zeroBomb } from '../../support/zstd-frames.js';
import { CLI_SOURCE, type Run, runPvf, scratchDir } from './run-pvf.js';

const pvf = (...args: string[]): Promise<Run> => runPvf(CLI_SOURCE, args);

const { dir, file } = scratchDir('pvf-inspect-');

/** A bad input gives exactly one line on stderr, no stack trace, and exit code 3. */
function expectOneLineError(r: Run, pattern: RegExp) {
  expect(r.code).toBe(ExitCode.BadInput);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^pvf: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('pvf inspect: bad input exits 3 with one clear line', () => {
  it.concurrent.each([
    ['an empty file', () => file('empty.wasm', []), /empty file/],
    [
      'random bytes',
      () => file('random.bin', [0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]),
      /not a PVF blob/,
    ],
    [
      'wrong magic',
      () => file('magic.wasm', [0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]),
      /not a PVF blob/,
    ],
    [
      'a truncated module',
      () => file('trunc.wasm', [...HEADER, 0x01, 0x20, 0x01, 0x60]),
      /malformed wasm: .*at byte/,
    ],
    [
      'a 1 GiB zstd bomb',
      () => file('bomb.wasm', new Uint8Array([...blobPrefix(7), ...zeroBomb(2 ** 30)])),
      /possible compression bomb/,
    ],
    [
      'a truncated zstd blob',
      () => file('cut.wasm', [...blobPrefix(7), 0x28, 0xb5, 0x2f]),
      /not a PVF blob: truncated/,
    ],
    [
      'a missing file',
      () => join(dir, 'missing.wasm'),
      /missing\.wasm: cannot read: no such file \(ENOENT\)$/,
    ],
    ['a directory', () => dir, /not a regular file/],
  ])('%s', async (_what, make, pattern) => {
    expectOneLineError(await pvf('inspect', make()), pattern);
  });

  it('refuses a bad --limit as a usage error', async () => {
    const r = await pvf('inspect', '--limit', 'lots', file('x.wasm', HEADER));
    expect(r.code).toBe(ExitCode.Usage);
    expect(r.stderr).toMatch(/^pvf: --limit must be a whole number of at least 1, got "lots"\n$/);
  });
});

describe.runIf(HAVE_FIXTURES)('pvf inspect on real PVFs', () => {
  it('prints Moonbase: sizes, hash, ABI, runtime version, memory, stubs', async () => {
    const r = await pvf('inspect', join(FIXTURES_DIR, 'pvf/moonbase-4300.compact.compressed.wasm'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^blob +2,092,888 bytes, zstd with the legacy prefix → 13,544,397 bytes$/m,
    );
    expect(r.stdout).toMatch(
      /^code hash +0xaf69406915a50fdee99772417b67659e8b45bb27a39674dc019ece43319df17b /m,
    );
    expect(r.stdout).toMatch(/^abi +substrate /m);
    expect(r.stdout).toMatch(/^runtime +moonbase 4300 /m);
    expect(r.stdout).toMatch(/^memory +imported env\.memory, min 30 pages \(no maximum\)$/m);
    expect(r.stdout).toMatch(/^ +\[stub\] +env\.ext_panic_handler_abort_on_panic_version_1: func/m);
    expect(r.stdout).toMatch(/^features +none beyond the MVP$/m);
  });

  it('prints the adder as JSON', async () => {
    const r = await pvf('inspect', '--json', join(FIXTURES_DIR, 'pvf/adder.wasm'));
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      format: 'module',
      abi: 'substrate',
      blob: { type: 'wasm', compressed: false, size: 128_873, codeSize: 128_873 },
      memory: { kind: 'exported', name: 'memory' },
      stubbedImports: [],
      deniedImports: [],
    });
    expect(j.imports).toEqual([
      {
        module: 'env',
        name: 'ext_logging_log_version_1',
        kind: 'func',
        type: '(i32, i64, i64) -> ()',
      },
    ]);
    expect(j.blob.codeHash).toBe(
      '0xd7d82e716d8ca4366ab441c2625878dd148ed961d0ae8bf9f71af2b2f6583f24',
    );
  });
});
