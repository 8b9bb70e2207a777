// The first validation of a real block after prepare against the second and warm ones, per
// compilation mode at prepare (runtime/engine/compile.ts), each in fresh processes
// (blocks-cold-child.ts) with the workers' Node flags (src/host/spawner.ts), in CPU time
// (process-cpu.ts) so that the figures survive a shared machine: V8's defaults (lazy), every
// function with Liftoff at prepare (tiering up while it runs; workers on Node 24), every
// function with TurboFan at prepare (workers on Node 20 and 22). On this Node and, when
// `npm run test:node-matrix` has fetched it, on Node 24. Then prepare's cost on the largest
// runtime (Moonbase) per mode, against the reference's 60 s preparation timeout. Warm runs are
// also measured with the CPU caches evicted before each, the state a first validation meets.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decompressCode } from '../runtime/blob/code-blob.js';
import type { TransferBlock } from '../src/collator/transfer-chain.js';
import { WORKER_NODE_FLAGS } from '../src/host/spawner.js';
import { fixture } from '../test/support/fixtures.js';
import type { Row } from './section.js';

interface Config {
  readonly label: string;
  readonly options: string;
  /** Also run under Node 24. */
  readonly node24?: true;
}

const CONFIGS: readonly Config[] = [
  { label: 'lazy (V8 defaults)', options: '', node24: true },
  { label: 'eager Liftoff (workers on Node 24)', options: 'baseline', node24: true },
  { label: 'eager TurboFan (workers on Node 20, 22)', options: 'optimized', node24: true },
];
const ROUNDS = 3;
const ROOT = resolve(import.meta.dirname, '..');
const NODE24 = join(ROOT, 'node_modules/.cache/node-matrix/24/package/bin/node');

const child = fileURLToPath(new URL('./blocks-cold-child.ts', import.meta.url));

interface Sample {
  prepareWallMs: number;
  prepareCpuMs: number;
  firstCpuMs?: number;
  secondCpuMs?: number;
  warmCpuMs?: number;
  evictedCpuMs?: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The Node binaries to compare: this one, and Node 24 when fetched and not this one. */
function binaries(): { node: string; bin: string }[] {
  const own = { node: process.version, bin: process.execPath };
  if (process.versions.node.startsWith('24.') || !existsSync(NODE24)) return [own];
  return [own, { node: 'v24', bin: NODE24 }];
}

function once(bin: string, c: Config, code: string, params: string): Sample {
  const r = spawnSync(
    bin,
    [...WORKER_NODE_FLAGS, '--import', 'tsx', child, code, params, c.options],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: ROOT,
    },
  );
  if (r.status !== 0) throw new Error(`blocks cold child failed (${c.label})`);
  return JSON.parse(r.stdout.toString('utf8')) as Sample;
}

/** Medians over ROUNDS runs interleaved across configs, one row per config and binary. */
function compare(
  code: string,
  params: string,
  base: Row,
  configs: readonly { node: string; bin: string; c: Config }[],
): Row[] {
  const samples = configs.map(() => [] as Sample[]);
  for (let round = 0; round < ROUNDS; round++)
    configs.forEach((x, i) => samples[i]!.push(once(x.bin, x.c, code, params)));
  return configs.map((x, i) => {
    const med = (k: keyof Sample) =>
      samples[i]!.map((s) => s[k] ?? NaN).sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
    const row: Row = {
      ...base,
      node: x.node,
      'start-up': x.c.label,
      'prepare wall ms': r2(med('prepareWallMs')),
      'prepare CPU ms': r2(med('prepareCpuMs')),
    };
    if (params === '-') return row;
    return {
      ...row,
      'first CPU ms': r2(med('firstCpuMs')),
      'second CPU ms': r2(med('secondCpuMs')),
      'warm CPU ms': r2(med('warmCpuMs')),
      'first/warm': r2(med('firstCpuMs') / med('warmCpuMs')),
      'warm, caches evicted CPU ms': r2(med('evictedCpuMs')),
      'first/evicted': r2(med('firstCpuMs') / med('evictedCpuMs')),
    };
  });
}

export async function coldRows(
  name: string,
  wasm: Uint8Array,
  blocks: readonly TransferBlock[],
): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pvf-blocks-cold-'));
  try {
    const code = join(dir, 'code.wasm');
    writeFileSync(code, wasm);
    const all = binaries().flatMap(({ node, bin }) =>
      CONFIGS.filter((c) => bin === process.execPath || c.node24).map((c) => ({ node, bin, c })),
    );
    const rows: Row[] = [];
    for (const block of blocks) {
      const params = join(dir, `${block.number}.params`);
      writeFileSync(params, block.params);
      rows.push(...compare(code, params, { runtime: name, transfers: block.transfers }, all));
    }
    // Prepare's cost on the largest runtime, per compilation mode.
    const moonbase = await decompressCode(fixture('pvf/moonbase-4300.compact.compressed.wasm'));
    if (moonbase.kind !== 'ok') throw new Error('moonbase did not decompress');
    const mb = join(dir, 'moonbase.wasm');
    writeFileSync(mb, moonbase.bytes);
    rows.push(...compare(mb, '-', { runtime: 'moonbase', transfers: 'prepare only' }, all));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
