// The cost of determinism (runtime/determinism): the prepare-time pass on real runtimes, and
// per-validation time of instrumented vs uninstrumented modules in the same run (the
// uninstrumented module is the same prepared PVF with the raw compile swapped in; it exists
// only here, for comparison). Validations run in-process, a fresh instance each.
import { decompressAs } from '../runtime/blob/code-blob.js';
import { makeDeterministic } from '../runtime/determinism/prepare.js';
import { prepare, validateBlock, type PreparedModule } from '../runtime/engine/index.js';
import { setupMemory } from '../runtime/engine/memory-setup.js';
import { parseModule } from '../runtime/wasm/sections.js';
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import { UndyingChain } from '../src/examples/undying-chain.js';
import { exampleWasm } from './example-wasm.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { percentiles, type Row, type Section } from './section.js';

const round = (x: number) => Math.round(x * 100) / 100;
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
};

/** Median over `n` runs of the determinism pass and of V8's compile, raw vs instrumented. */
function prepareRow(label: string, code: Uint8Array, n = 3): Row {
  const pass: number[] = [];
  const raw: number[] = [];
  const inst: number[] = [];
  const whole: number[] = [];
  let out: ReturnType<typeof makeDeterministic> | undefined;
  for (let i = 0; i < n; i++) {
    let t: number;
    [out, t] = time(() => makeDeterministic(code));
    pass.push(t);
    if (out.kind !== 'instrumented') throw new Error(`${label}: ${out.message}`);
    const bytes = out.bytes;
    raw.push(time(() => new WebAssembly.Module(code))[1]);
    inst.push(time(() => new WebAssembly.Module(bytes))[1]);
    whole.push(time(() => prepare(code))[1]);
  }
  const med = (s: number[]) => round(percentiles(s).p50);
  const o = out!.kind === 'instrumented' ? out! : undefined;
  return {
    pvf: label,
    'wasm MB': round(code.length / 1e6),
    'instrumented MB': round((o?.bytes.length ?? 0) / 1e6),
    'calls instrumented': o?.instrumentedCalls ?? 0,
    thunks: o?.thunks ?? 0,
    'NaN sites': o?.canonicalizedOps ?? 0,
    'mem fast paths': o?.memBuiltins ?? 0,
    'pass ms': med(pass),
    'V8 compile raw ms': med(raw),
    'V8 compile instrumented ms': med(inst),
    'engine prepare ms': med(whole),
  };
}

/** The prepared PVF with its module replaced by V8's compile of the uninstrumented code. */
function uninstrumented(prepared: PreparedModule, code: Uint8Array): PreparedModule {
  const memory = setupMemory(parseModule(code), prepared.params.maxMemoryPages);
  if (memory.kind === 'error') throw new Error(memory.message);
  return { ...prepared, module: new WebAssembly.Module(memory.bytes) };
}

function p50(prepared: PreparedModule, candidates: Candidate[]): number {
  for (let i = 0; i < 200; i++) validateBlock(prepared, candidates[i % candidates.length]!.params);
  const samples = candidates.map((c) => {
    const t0 = performance.now();
    const out = validateBlock(prepared, c.params);
    const dt = performance.now() - t0;
    if (out.kind !== c.expected.kind) throw new Error(`${c.label}: got ${out.kind}`);
    return dt;
  });
  return percentiles(samples).p50 * 1000;
}

function executeRow(label: string, code: Uint8Array, candidates: Candidate[]): Row {
  const p = prepare(code);
  if (p.kind !== 'prepared') throw new Error(`${label}: ${p.message}`);
  const raw = uninstrumented(p.prepared, code);
  // Interleave to share the machine's noise between both.
  const a = p50(raw, candidates);
  const b = p50(p.prepared, candidates);
  const a2 = p50(raw, candidates);
  const b2 = p50(p.prepared, candidates);
  const base = Math.min(a, a2);
  const inst = Math.min(b, b2);
  return {
    pvf: label,
    'raw p50 µs': round(base),
    'instrumented p50 µs': round(inst),
    ratio: round(inst / base),
  };
}

export const determinism: Section = {
  name: 'determinism',
  description:
    'determinism pass at prepare (medians of 3) and per-validation p50 instrumented vs raw (ratio = instrumented / raw)',
  async run() {
    const rows: Row[] = [];
    if (HAVE_FIXTURES) {
      for (const file of ['pvf/adder.wasm', CUMULUS_RUNTIMES[4].file]) {
        const d = await decompressAs('wasm', fixture(file));
        if (d.kind !== 'ok') throw new Error(file);
        rows.push(prepareRow(file.replace(/^pvf\/|\.compact\.compressed\.wasm$/g, ''), d.bytes));
      }
    }
    const adderChain = new AdderChain();
    const adderBlocks = Array.from({ length: 2000 }, () => adderChain.next());
    if (HAVE_FIXTURES)
      rows.push(executeRow('adder (reference blob)', fixture('pvf/adder.wasm'), adderBlocks));
    rows.push(executeRow('adder (ours)', exampleWasm('adder'), adderBlocks));
    const undying = new UndyingChain({
      graveyardSize: 1024,
      work: { tombstones: 1024, iterations: 16 },
    });
    rows.push(
      executeRow(
        'undying 1024 × 16',
        exampleWasm('undying'),
        Array.from({ length: 50 }, () => undying.next()),
      ),
    );
    return rows;
  },
};
