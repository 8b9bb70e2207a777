// Makes a `component` PVF from a preview1 core module the standard way: embeds the `pvf`
// world (examples/wit) and wraps the module with the `wasi_snapshot_preview1` reactor adapter
// that jco ships (the same adapter `jco new --wasi-reactor` uses), with jco-transpile's
// wasm-tools. The adapter comes from the jco package on the npm registry, fetched with
// `npm pack` once into node_modules/.cache and checked against its pinned digest.
//   tsx scripts/wrap-preview1-component.ts <core.wasm> <out.wasm>
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exampleWit } from './build-wasi-examples.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The jco release whose adapters are used. */
export const JCO_VERSION = '1.35.0';
const CACHE = join(ROOT, 'node_modules', '.cache', 'pvf-runtime', `jco-${JCO_VERSION}`);
const adapterPath = (kind: 'reactor' | 'command') =>
  join(CACHE, 'package', 'lib', `wasi_snapshot_preview1.${kind}.wasm`);
/** The SHA-256 of each adapter of that release. */
const ADAPTER_SHA256 = {
  reactor: 'b857310c4753c8fafaa0f890e9ccf978dc3d9dbe8804b1125291a627485041d0',
  command: '2a652d711c1fff34f9d5a0e073e50ef7eeb8fe7d8a6d559eae643a4c049a7b94',
} as const;

/**
 * An adapter's bytes (`reactor` for PVFs; `command` only to show what a command component
 * looks like), fetched from the registry on first use.
 */
export function preview1Adapter(kind: 'reactor' | 'command' = 'reactor'): Uint8Array {
  if (!existsSync(adapterPath(kind))) {
    mkdirSync(CACHE, { recursive: true });
    const tgz = execFileSync(
      'npm',
      ['pack', `@bytecodealliance/jco@${JCO_VERSION}`, '--pack-destination', CACHE, '--silent'],
      { encoding: 'utf8' },
    ).trim();
    execFileSync('tar', ['-xzf', join(CACHE, tgz), '-C', CACHE, 'package/lib']);
  }
  const bytes = readFileSync(adapterPath(kind));
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== ADAPTER_SHA256[kind])
    throw new Error(
      `${kind} adapter digest ${digest} differs from the pinned ${ADAPTER_SHA256[kind]}`,
    );
  return bytes;
}

/** The component of world `pvf` made from a preview1 core module and the reactor adapter. */
export async function wrapPreview1(core: Uint8Array): Promise<Uint8Array> {
  const { componentEmbed, componentNew } =
    await import('@bytecodealliance/jco-transpile/wasm-tools');
  const embedded = await componentEmbed({ binary: core, witSource: exampleWit(), world: 'pvf' });
  return componentNew(embedded, [['wasi_snapshot_preview1', preview1Adapter('reactor')]]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output)
    throw new Error('usage: wrap-preview1-component.ts <core.wasm> <out.wasm>');
  writeFileSync(output, await wrapPreview1(readFileSync(input)));
}
