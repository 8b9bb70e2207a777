// One cold start, in a process of its own started with the V8 flags under test (see
// cold-start.ts): prepare the code, time the first call after it, then the median of warm calls.
// Prints one JSON object.
import { decompressCode } from '../runtime/blob/code-blob.js';
import { callExport, prepare, validateBlock } from '../runtime/engine/index.js';
import { UndyingChain } from '../src/examples/undying-chain.js';
import { fixture, unhex } from '../test/support/fixtures.js';
import { exampleWasm } from './example-wasm.js';
import { percentiles } from './section.js';

const [file, fn] = process.argv.slice(2) as [string, string];
const raw = file === 'undying' ? exampleWasm('undying') : fixture(file);
const code = file.endsWith('.compressed.wasm')
  ? await decompressCode(raw)
  : { kind: 'ok' as const, bytes: raw };
if (code.kind !== 'ok') throw new Error(`${file}: ${code.kind}`);
let t = performance.now();
const p = prepare(code.bytes);
const prepareMs = performance.now() - t;
if (p.kind !== 'prepared') throw new Error(p.message);
const vector = JSON.parse(Buffer.from(fixture('vectors/adder-gossamer.json')).toString('utf8')) as {
  params: string;
};
// Undying: one heavy block (1024 tombstones × 64 iterations), validated again and again.
const undying = () =>
  new UndyingChain({ graveyardSize: 1024, work: { tombstones: 1024, iterations: 64 } }).next()
    .params;
const params = file === 'undying' ? undying() : unhex(vector.params);
const run =
  fn === 'validate_block'
    ? () => {
        const out = validateBlock(p.prepared, params);
        if (out.kind !== 'valid') throw new Error(`${file}: ${out.kind}`);
      }
    : () => {
        const out = callExport(p.prepared, fn, new Uint8Array());
        if (out.kind !== 'returned') throw new Error(`${file} ${fn}: ${out.kind}`);
      };
t = performance.now();
run();
const firstMs = performance.now() - t;
const warm: number[] = [];
const until = performance.now() + 4000;
for (let i = 0; i < 200 && (i < 6 || performance.now() < until); i++) {
  t = performance.now();
  run();
  warm.push(performance.now() - t);
}
// The tail of the warm samples: after tier-up has had time to finish.
const settled = warm.slice(Math.floor(warm.length / 2));
process.stdout.write(
  JSON.stringify({ prepareMs, firstMs, warmMs: percentiles(settled).p50, calls: warm.length }),
);
