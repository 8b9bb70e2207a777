// Candidates for recycling a guest's memory between validations, on the wasi-p1 adder with
// its memory declared at 2 pages and at 17 (a Rust guest's 1 MiB default stack): zero the
// whole memory and reuse it (runtime/engine/memory-pool.ts, what runs), zero only the 4 KiB
// blocks found dirty, or give every validation a fresh memory.
import type { Candidate } from '../src/examples/candidate.js';
import { DEFAULT_EXECUTOR_PARAMS } from '../runtime/engine/index.js';
import type { MemoryPool } from '../runtime/engine/memory-pool.js';
import { prepareWasiP1, validateBlockWasiP1 } from '../runtime/wasi/preview1/pvf.js';
import { parseModule } from '../runtime/wasm/sections.js';
import { SectionId } from '../runtime/wasm/types.js';
import { u32Bytes } from '../runtime/wasm/writer.js';
import { percentiles, type Row } from './section.js';

/** `code` with its one defined memory declared as `pages` pages (no maximum). */
function withPages(code: Uint8Array, pages: number): Uint8Array {
  const m = parseModule(code);
  const s = m.sections.find((x) => x.id === SectionId.Memory);
  if (!s) throw new Error('no memory section');
  const content = [1, 0x00, ...u32Bytes(pages)];
  const section = [SectionId.Memory, ...u32Bytes(content.length), ...content];
  return Uint8Array.from([...m.bytes.subarray(0, s.start), ...section, ...m.bytes.subarray(s.end)]);
}

const ZERO_BLOCK = new Uint8Array(4096);

/** How each candidate changes the pool the module's validations use. */
const STRATEGIES: Record<string, (pool: MemoryPool) => void> = {
  'zero whole, reuse (chosen)': () => {},
  'fresh memory per validation': (pool) => {
    pool.release = () => {};
  },
  // Zero only the 4 KiB blocks found dirty: what "zero only what the call dirtied" can do
  // without write tracking.
  'zero dirty 4 KiB blocks, reuse': (pool) => {
    let spare: WebAssembly.Memory | undefined;
    pool.take = () => {
      const m = spare ?? new WebAssembly.Memory(pool.limits);
      spare = undefined;
      return m;
    };
    pool.release = (m) => {
      const bytes = Buffer.from(m.buffer);
      if (bytes.length !== pool.limits.initial * 65536) return;
      for (let at = 0; at < bytes.length; at += 4096)
        if (bytes.compare(ZERO_BLOCK, 0, 4096, at, at + 4096) !== 0) bytes.fill(0, at, at + 4096);
      spare = m;
    };
  },
};

export function memoryRows(code: Uint8Array, blocks: Candidate[], warmUp: number): Row[] {
  const rows: Row[] = [];
  for (const pages of [2, 17])
    for (const how of Object.keys(STRATEGIES)) {
      const p = prepareWasiP1(withPages(code, pages), DEFAULT_EXECUTOR_PARAMS);
      if (p.kind !== 'prepared') throw new Error(p.message);
      STRATEGIES[how]!(p.prepared.pool);
      const run = (c: Candidate) => {
        const o = validateBlockWasiP1(p.prepared, c.params);
        if (o.kind !== 'valid') throw new Error(`memory ${pages} pages: ${o.kind}`);
      };
      for (let i = 0; i < warmUp; i++) run(blocks[i % blocks.length]!);
      const samples = blocks.map((c) => {
        const t = performance.now();
        run(c);
        return performance.now() - t;
      });
      const { p50, p99 } = percentiles(samples);
      rows.push({
        abi: `wasi-p1, ${pages} pages: ${how}`,
        blocks: blocks.length,
        'p50 µs': Math.round(p50 * 100000) / 100,
        'p99 µs': Math.round(p99 * 100000) / 100,
      });
    }
  return rows;
}
