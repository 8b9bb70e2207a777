// The five real Cumulus runtimes on the engine with exactly Polkadot's PVF host functions:
// runtime calls that need no storage complete, those that read storage trap on the missing
// storage import (as on a validator), and validate_block with made-up params is a clean
// invalid outcome carrying the runtime's own panic message. Each runtime is compiled once.
import { beforeAll, describe, expect, it } from 'vitest';
import { decompressCode } from '../../../runtime/blob/code-blob.js';
import {
  callExport,
  prepare,
  validateBlock,
  type PreparedModule,
} from '../../../runtime/engine/index.js';
import { readRuntimeVersion } from '../../../runtime/engine/runtime-version.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../../support/fixtures.js';

/** Reads a SCALE compact length at `at`; returns [value, bytes used]. */
function compact(b: Uint8Array, at: number): [number, number] {
  const mode = b[at]! & 3;
  if (mode === 0) return [b[at]! >> 2, 1];
  if (mode === 1) return [(b[at]! | (b[at + 1]! << 8)) >> 2, 2];
  return [new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0, true) >>> 2, 4];
}

// Metadata_metadata of these runtimes reads storage (a pallet value for a constant, or a
// well-known key); the PVF host serves no storage, so the call traps there like on Polkadot.
const READS_STORAGE_IN_METADATA = new Set(['acala', 'shibuya', 'moonbase']);

describe.runIf(HAVE_FIXTURES)('Cumulus runtimes on the engine', () => {
  const runtimes = new Map<string, { blob: Uint8Array; prepared: PreparedModule }>();
  beforeAll(async () => {
    for (const { file, specName } of CUMULUS_RUNTIMES) {
      const blob = fixture(file);
      const code = await decompressCode(blob);
      if (code.kind !== 'ok') throw new Error(`${file}: ${code.kind}`);
      const p = prepare(code.bytes);
      if (p.kind !== 'prepared') throw new Error(`${file}: ${p.message}`);
      runtimes.set(specName, { blob, prepared: p.prepared });
    }
  });

  describe.each(CUMULUS_RUNTIMES)('$specName', ({ specName }) => {
    const rt = () => runtimes.get(specName)!;

    it('imports env.memory, which preparation turns into the capped defined memory', () => {
      expect(rt().prepared.memory.kind).toBe('imported');
      expect(rt().prepared.missingImports).toContain('ext_storage_get_version_1');
      expect(rt().prepared.missingImports.some((n) => n.startsWith('ext_hashing'))).toBe(false);
    });

    it('Core_version decodes to its spec name', () => {
      const out = callExport(rt().prepared, 'Core_version', new Uint8Array());
      expect(out.kind).toBe('returned');
      if (out.kind !== 'returned') return;
      const [len, used] = compact(out.output, 0);
      expect(new TextDecoder().decode(out.output.subarray(used, used + len))).toBe(specName);
    });

    it('embeds a version section that re-encodes to exactly what Core_version returns', () => {
      const out = callExport(rt().prepared, 'Core_version', new Uint8Array());
      if (out.kind !== 'returned') throw new Error(out.kind);
      expect(readRuntimeVersion(rt().blob)).toEqual(out.output);
    });

    it('Metadata_metadata returns metadata v14+, or traps on its storage read', () => {
      const out = callExport(rt().prepared, 'Metadata_metadata', new Uint8Array());
      if (READS_STORAGE_IN_METADATA.has(specName)) {
        expect(out).toMatchObject({
          kind: 'invalid',
          reason: 'unresolved-import',
          message: 'call to a missing function env:ext_storage_get_version_1',
        });
        return;
      }
      expect(out.kind).toBe('returned');
      if (out.kind !== 'returned') return;
      const [len, used] = compact(out.output, 0);
      expect(used + len).toBe(out.output.length);
      const meta = out.output.subarray(used);
      expect(new TextDecoder().decode(meta.subarray(0, 4))).toBe('meta');
      expect(meta[4]).toBeGreaterThanOrEqual(14);
    });

    it('validate_block with made-up params is invalid with the runtime panic message', () => {
      const out = validateBlock(rt().prepared, new Uint8Array(64).fill(0x11));
      expect(out.kind).toBe('invalid');
      if (out.kind !== 'invalid') return;
      expect(['unreachable', 'panic']).toContain(out.reason);
      expect(out.message).toMatch(/^panicked at /);
      expect(out.message).toMatch(/Invalid (input data|arguments to `validate_block`)/);
    });
  });
});
