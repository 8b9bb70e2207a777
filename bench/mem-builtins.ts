// The bulk-memory fast path for the guest's own memcpy/memmove/memset
// (runtime/determinism/mem-builtins.ts) on and off, side by side in one process: real transfer
// blocks validated bare (the engine in this process, both modules compiled eagerly as workers
// compile them), in alternating order, as CPU time and as a share of the block's own ref_time
// weight.
import { loadavg } from 'node:os';
import { WORKER_COMPILE_MODE } from '../runtime/engine/compile.js';
import { prepare } from '../runtime/engine/index.js';
import type { PreparedModule } from '../runtime/engine/types.js';
import { HAVE_FIXTURES } from '../test/support/fixtures.js';
import type { Row, Section } from './section.js';
import { alternatingCpu, hundredAndFull } from './transfer-blocks.js';

const ROUNDS = 28;
/** Rounds not counted: V8 tiers hot functions up over the first validations of a block. */
const WARM_UP = 4;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function blockRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const name of ['asset-hub', 'template'] as const) {
    const { wasm, blocks } = await hundredAndFull(name);
    const prepared = (memBuiltins: boolean): PreparedModule => {
      const p = prepare(wasm, {}, { compile: WORKER_COMPILE_MODE, memBuiltins });
      if (p.kind !== 'prepared') throw new Error(p.message);
      return p.prepared;
    };
    const variants = { on: prepared(true), off: prepared(false) };
    for (const block of blocks) {
      const { on, off } = alternatingCpu(variants, ['on', 'off'], block, {
        total: ROUNDS,
        warmUp: WARM_UP,
      });
      const weightMs = Number(block.weight.refTime) / 1e9;
      rows.push({
        case: `${name}, ${block.transfers} transfers (bare CPU ms)`,
        'weight ms': r2(weightMs),
        'fast path': r2(on),
        loops: r2(off),
        'fast/loops': r2(on / off),
        'fast ÷ weight': r2(on / weightMs),
        'loops ÷ weight': r2(off / weightMs),
        load: r2(loadavg()[0]!),
      });
    }
  }
  return rows;
}

export const memBuiltins: Section = {
  name: 'mem-builtins',
  description: `the guest's compiler_builtins memcpy/memmove/memset with their bulk-memory fast path vs their own loops (runtime/determinism/mem-builtins.ts), on real transfer blocks: bare validations in this process, both modules compiled as workers compile them, ${ROUNDS - WARM_UP} rounds in alternating order after ${WARM_UP} of warm-up, medians of CPU time, and each ÷ the block's ref_time weight`,
  async run() {
    if (!HAVE_FIXTURES) return [{ case: 'skipped: ../shared/fixtures is absent' }];
    return blockRows();
  },
};
