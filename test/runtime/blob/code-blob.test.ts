import { describe, expect, it } from 'vitest';
import {
  blobType,
  BlobOptionsError,
  decompressAs,
  decompressCode,
  POV_BOMB_LIMIT,
  VALIDATION_CODE_BOMB_LIMIT,
} from '../../../runtime/blob/code-blob.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import {
  blobPrefix,
  frameHeader,
  rawBlock,
  rleBlock,
  skippableFrame,
  zeroBomb,
} from '../../support/zstd-frames.js';

const blob = (...parts: (number[] | Uint8Array)[]) => new Uint8Array(parts.flatMap((p) => [...p]));
const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const hello = [...'hello'].map((c) => c.charCodeAt(0));

describe('limits', () => {
  it('defaults mirror the reference: 3 MiB x 10 for code, 10 MiB x 4 for a PoV', () => {
    expect(VALIDATION_CODE_BOMB_LIMIT).toBe(30 * 1024 * 1024);
    expect(POV_BOMB_LIMIT).toBe(40 * 1024 * 1024);
  });

  it('refuses a nonsensical limit as API misuse', async () => {
    await expect(decompressCode(new Uint8Array(WASM_HEADER), { limit: -1 })).rejects.toThrow(
      BlobOptionsError,
    );
    await expect(decompressCode(new Uint8Array(WASM_HEADER), { limit: 1.5 })).rejects.toThrow(
      BlobOptionsError,
    );
  });
});

describe('blob types (decompress_as)', () => {
  it('passes plain wasm through unchanged', async () => {
    const wasm = new Uint8Array(WASM_HEADER);
    const r = await decompressCode(wasm);
    expect(r).toEqual({ kind: 'ok', type: 'wasm', compressed: false, bytes: wasm });
  });

  it.each([
    [5, 'legacy'],
    [7, 'wasm'],
  ])('accepts prefix version %i (%s) as code', async (version, type) => {
    const r = await decompressCode(blob(blobPrefix(version), frameHeader(), rawBlock(hello)));
    expect(r).toMatchObject({ kind: 'ok', type, compressed: true });
    if (r.kind === 'ok') expect([...r.bytes]).toEqual(hello);
  });

  it.each([
    [6, 'pov'],
    [8, 'pvm'],
  ])('refuses prefix version %i (%s) as code', async (version, found) => {
    const r = await decompressCode(blob(blobPrefix(version), frameHeader(), rawBlock(hello)));
    expect(r).toEqual({ kind: 'unsupported-type', expected: 'wasm', found });
  });

  it('accepts PoV and legacy prefixes as a PoV, and refuses a wasm one', async () => {
    for (const v of [5, 6])
      expect(
        (await decompressAs('pov', blob(blobPrefix(v), frameHeader(), rawBlock(hello)))).kind,
      ).toBe('ok');
    expect(await decompressAs('pov', blob(blobPrefix(7), frameHeader(), rawBlock(hello)))).toEqual({
      kind: 'unsupported-type',
      expected: 'pov',
      found: 'wasm',
    });
  });

  it('refuses an unprefixed PVM blob as code', async () => {
    expect(await decompressCode(blob([0x50, 0x56, 0x4d, 0x00, 1, 2]))).toEqual({
      kind: 'unsupported-type',
      expected: 'wasm',
      found: 'pvm',
    });
  });

  it.each([
    ['an empty blob', []],
    ['random bytes', [0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]],
    ['an unknown prefix version', [...blobPrefix(9), ...frameHeader(), ...rawBlock(hello)]],
    ['a prefix cut short', blobPrefix(7).slice(0, 5)],
  ])('calls %s invalid', async (_what, bytes) => {
    expect((await decompressCode(new Uint8Array(bytes))).kind).toBe('invalid');
  });

  it('classifies by first bytes', () => {
    expect(blobType(new Uint8Array(WASM_HEADER))).toEqual({ type: 'wasm', compressed: false });
    expect(blobType(blob(blobPrefix(5)))).toEqual({ type: 'legacy', compressed: true });
    expect(blobType(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});

describe('bounded zstd decompression', () => {
  const code = (...parts: number[][]) => blob(blobPrefix(7), ...parts);

  it('is exact at the limit: limit bytes pass, limit + 1 is a possible bomb', async () => {
    const five = code(frameHeader(), rawBlock(hello));
    expect((await decompressCode(five, { limit: 5 })).kind).toBe('ok');
    expect(await decompressCode(five, { limit: 4 })).toEqual({ kind: 'possible-bomb', limit: 4 });
    const zeros = code(frameHeader(), rleBlock(0, 100_000));
    expect((await decompressCode(zeros, { limit: 100_000 })).kind).toBe('ok');
    expect((await decompressCode(zeros, { limit: 99_999 })).kind).toBe('possible-bomb');
  });

  it('refuses a 1 GiB-of-zeros bomb quickly and without inflating it', async () => {
    const bomb = blob(blobPrefix(7), zeroBomb(2 ** 30));
    expect(bomb.length).toBeLessThan(40_000);
    const before = process.memoryUsage().rss;
    const r = await decompressCode(bomb);
    const grown = process.memoryUsage().rss - before;
    expect(r).toEqual({ kind: 'possible-bomb', limit: VALIDATION_CODE_BOMB_LIMIT });
    // Inflating it would take 1 GiB; stopping at the limit takes about 30 MiB.
    expect(grown).toBeLessThan(256 * 1024 * 1024);
  });

  it('refuses a bomb that declares its size, and one in a single-segment frame', async () => {
    const declared = blob(blobPrefix(7), zeroBomb(2 ** 26, { contentSize: 2 ** 26 }));
    expect((await decompressCode(declared)).kind).toBe('possible-bomb');
    const single = blob(
      blobPrefix(7),
      frameHeader({ singleSegment: true, contentSize: 2 ** 20 }),
      rleBlock(0, 2 ** 17, true),
    );
    // The block is shorter than declared: libzstd calls that corruption.
    expect((await decompressCode(single)).kind).toBe('invalid');
  });

  it('refuses a window over 2^27 bytes as the reference decoder does, accepts 2^27', async () => {
    const big = code(frameHeader({ windowLog: 28 }), rawBlock(hello));
    expect((await decompressCode(big)).kind).toBe('invalid');
    const max = code(frameHeader({ windowLog: 27 }), rawBlock(hello));
    expect((await decompressCode(max)).kind).toBe('ok');
  });

  it('reads a frame whose content ends exactly on the 128 KiB output buffer', async () => {
    for (const size of [2 ** 17, 2 ** 18]) {
      const r = await decompressCode(
        code(
          frameHeader(),
          rleBlock(9, 2 ** 17, size === 2 ** 17),
          ...(size > 2 ** 17 ? [rleBlock(9, 2 ** 17)] : []),
        ),
      );
      expect(r.kind).toBe('ok');
      if (r.kind === 'ok') expect(r.bytes.length).toBe(size);
    }
  });

  it('reads concatenated and skippable frames', async () => {
    const r = await decompressCode(
      code(
        frameHeader(),
        rawBlock(hello),
        skippableFrame([1, 2, 3]),
        frameHeader(),
        rawBlock([33]),
      ),
    );
    expect(r.kind).toBe('ok');
    if (r.kind === 'ok') expect([...r.bytes]).toEqual([...hello, 33]);
  });

  it.each([
    ['a prefix with no frame', []],
    ['a truncated frame header', frameHeader().slice(0, 3)],
    ['a frame without its last block', [...frameHeader(), ...rawBlock(hello, false)]],
    ['a block cut short', [...frameHeader(), ...rawBlock(hello).slice(0, 6)]],
    ['trailing garbage after a frame', [...frameHeader(), ...rawBlock(hello), 0x00]],
    ['a reserved block type', [...frameHeader(), 0x07, 0x00, 0x00]],
  ])('calls %s invalid', async (_what, payload) => {
    const r = await decompressCode(code(payload));
    expect(r.kind).toBe('invalid');
  });
});

describe.runIf(HAVE_FIXTURES)(`real blobs (${FIXTURES_DIR})`, () => {
  // Sizes from fixtures/README.md: compressed file → decompressed wasm.
  it.each([
    ['pvf/template-parachain.compact.compressed.wasm', 537_847, 2_788_412],
    ['pvf/asset-hub-kusama.compact.compressed.wasm', 1_012_944, 5_269_928],
    ['pvf/acala-2101.compact.compressed.wasm', 1_427_453, 7_336_908],
    ['pvf/shibuya-118.compact.compressed.wasm', 1_889_082, 9_060_254],
    ['pvf/moonbase-4300.compact.compressed.wasm', 2_092_888, 13_544_397],
  ])('%s: %i → %i bytes', async (file, before, after) => {
    const bytes = fixture(file);
    expect(bytes.length).toBe(before);
    expect(blobType(bytes)).toEqual({ type: 'legacy', compressed: true });
    const r = await decompressCode(bytes);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.bytes.length).toBe(after);
    expect([...r.bytes.subarray(0, 8)]).toEqual(WASM_HEADER);
  });

  it('Moonbase (13.5 MB) is over the old 12 MiB limit and under the default', async () => {
    const moonbase = fixture('pvf/moonbase-4300.compact.compressed.wasm');
    expect((await decompressCode(moonbase)).kind).toBe('ok');
    expect(await decompressCode(moonbase, { limit: 12 * 1024 * 1024 })).toEqual({
      kind: 'possible-bomb',
      limit: 12 * 1024 * 1024,
    });
  });

  it('a corrupted blob is invalid, never a crash', async () => {
    const bytes = fixture('pvf/template-parachain.compact.compressed.wasm').slice();
    for (let k = 1000; k < 1064; k++) bytes[k] = bytes[k]! ^ 0xa5;
    expect((await decompressCode(bytes)).kind).toBe('invalid');
  });

  it('mutated blobs always give a tagged outcome, never an exception', async () => {
    const base = fixture('pvf/template-parachain.compact.compressed.wasm');
    const kinds = new Set<string>();
    let seed = 12345;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let k = 0; k < 24; k++) {
      const b = base.slice();
      for (let j = 0; j < 3; j++) b[8 + rand(b.length - 8)] = rand(256);
      kinds.add((await decompressCode(b)).kind);
    }
    expect([...kinds].every((k) => ['ok', 'invalid', 'possible-bomb'].includes(k))).toBe(true);
    expect(kinds.has('invalid')).toBe(true);
  });

  it('a truncated blob is invalid', async () => {
    const bytes = fixture('pvf/template-parachain.compact.compressed.wasm');
    expect((await decompressCode(bytes.subarray(0, bytes.length >> 1))).kind).toBe('invalid');
  });
});
