// Access to the real PVF blobs in ../shared/fixtures. They are data kept beside the project,
// never copied into it: tests that need them skip with a clear message when the folder is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES_DIR = resolve(
  process.env.PVF_FIXTURES ?? join(import.meta.dirname, '../../../shared/fixtures'),
);
export const HAVE_FIXTURES = existsSync(join(FIXTURES_DIR, 'pvf', 'adder.wasm'));

if (!HAVE_FIXTURES)
  console.warn(
    `[pvf-runtime tests] ${FIXTURES_DIR} is absent: tests that need the real PVF fixtures are skipped.`,
  );

/** Reads a file under the fixtures folder (e.g. `pvf/adder.wasm`). */
export function fixture(path: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, path)));
}

/** The five Cumulus runtimes and the spec names their `runtime_version` sections carry. */
export const CUMULUS_RUNTIMES = [
  { file: 'pvf/template-parachain.compact.compressed.wasm', specName: 'template-parachain' },
  { file: 'pvf/asset-hub-kusama.compact.compressed.wasm', specName: 'statemine' },
  { file: 'pvf/acala-2101.compact.compressed.wasm', specName: 'acala' },
  { file: 'pvf/shibuya-118.compact.compressed.wasm', specName: 'shibuya' },
  { file: 'pvf/moonbase-4300.compact.compressed.wasm', specName: 'moonbase' },
] as const;

export const hex = (b: Uint8Array): string => '0x' + Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array =>
  new Uint8Array(Buffer.from(s.replace(/^0x/, ''), 'hex'));
