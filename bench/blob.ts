// Code blobs and the wasm reader on the real PVFs: zstd decompression (libzstd in wasm, bounded),
// the code hash, section parsing, a walk over every instruction, and a full `inspectModule`.
// Also the 1 GiB-of-zeros bomb refused at the default 30 MiB limit. Each figure is the median
// CPU time of several runs in this process after one warm-up run.
import { decompressCode } from '../runtime/blob/code-blob.js';
import { codeHash } from '../runtime/blob/code-hash.js';
import { walkCode } from '../runtime/wasm/body.js';
import { inspectModule } from '../runtime/wasm/inspect.js';
import { parseModule } from '../runtime/wasm/sections.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { blobPrefix, zeroBomb } from '../test/support/zstd-frames.js';
import { percentiles, type Row, type Section } from './section.js';

const RUNS = 5;

// CPU time (user + system) of this thread's work: the machine is shared, so wall time would
// mostly measure the neighbours.
async function median(fn: () => unknown): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    samples.push((c.user + c.system) / 1000);
  }
  return Number(percentiles(samples).p50.toFixed(1));
}

async function measureFile(file: string): Promise<Row> {
  const blob = fixture(file);
  const out = await decompressCode(blob);
  if (out.kind !== 'ok') throw new Error(`${file}: ${out.kind}`);
  const code = out.bytes;
  let instructions = 0;
  walkCode(parseModule(code), () => void instructions++);
  return {
    pvf: file.replace(/^pvf\//, '').replace(/\.compact\.compressed\.wasm$/, ''),
    'blob KB': Math.round(blob.length / 1024),
    'code KB': Math.round(code.length / 1024),
    instructions,
    'decompress cpu ms': await median(() => decompressCode(blob)),
    'hash cpu ms': await median(() => codeHash(blob)),
    'parse cpu ms': await median(() => parseModule(code)),
    'walk cpu ms': await median(() => walkCode(parseModule(code), () => {})),
    'inspect cpu ms': await median(() => inspectModule(code)),
  };
}

export const blob: Section = {
  name: 'blob',
  description:
    'per PVF: decompress, code hash, section parse, instruction walk, full inspect (median CPU ms)',
  async run(): Promise<Row[]> {
    const rows: Row[] = [];
    if (HAVE_FIXTURES)
      for (const f of ['pvf/adder.wasm', ...CUMULUS_RUNTIMES.map((r) => r.file)])
        rows.push(await measureFile(f));
    const bomb = new Uint8Array([...blobPrefix(7), ...zeroBomb(2 ** 30)]);
    const rss = process.memoryUsage().rss;
    const ms = await median(async () => {
      const r = await decompressCode(bomb);
      if (r.kind !== 'possible-bomb') throw new Error(`bomb: ${r.kind}`);
    });
    rows.push({
      pvf: '1 GiB zeros bomb',
      'blob KB': Math.round(bomb.length / 1024),
      'code KB': 'refused',
      'decompress cpu ms': ms,
      'rss growth MiB': Math.round((process.memoryUsage().rss - rss) / 2 ** 20),
    });
    return rows;
  },
};
