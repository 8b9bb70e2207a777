// The cost of running the worker's loop on its guest-stack thread (runtime/worker.ts) instead of
// on the process's main thread, as the worker did before (kept here, and in the stack-limit
// tests, as a test-only script). One sealed worker per row; the same candidates through both;
// worker CPU per validation from /proc (immune to other load on the machine, unlike wall time).
// The reference adder blob grows its memory on every call (a new WebAssembly.Memory each time);
// our adder's memory is recycled between calls: the two cases behave differently (see
// runtime/determinism/native-stack.ts).
import { readFileSync } from 'node:fs';
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import { ValidationHost } from '../src/host/validation-host.js';
import { exampleFromSource } from '../test/support/example-pvfs.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { testBundles, testScript } from '../test/support/worker-bundle.js';
import type { Row, Section } from './section.js';

const JOBS = 3000;
const WINDOW = 8;

/** User + system CPU of a process, in ms (100 Hz clock ticks). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(script: string, code: Uint8Array, candidates: Candidate[]) {
  const b = await testBundles();
  const host = await ValidationHost.create({
    workers: 1,
    workerScript: script,
    sandbox: { launcher: b.launcher },
    logger: { warn: () => {} },
  });
  try {
    const run = async (i: number) => {
      const c = candidates[i % candidates.length]!;
      const out = await host.validate({ code, params: c.params });
      if (out.kind !== c.expected.kind) throw new Error(`${c.label}: got ${out.kind}`);
    };
    for (let i = 0; i < 200; i++) await run(i);
    const pid = host.workerPids[0]!;
    const cpu0 = cpuMs(pid);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WINDOW }, async () => {
        while (next < JOBS) await run(next++);
      }),
    );
    return {
      perSec: JOBS / ((performance.now() - t0) / 1000),
      cpuUs: ((cpuMs(pid) - cpu0) * 1000) / JOBS,
    };
  } finally {
    await host.close();
  }
}

export const guestStack: Section = {
  name: 'guest-stack',
  description: `one sealed worker, ${JOBS} validations ${WINDOW} in flight: loop on the guest-stack thread vs on the main thread (worker CPU µs per validation from /proc)`,
  async run() {
    const b = await testBundles();
    const mainThread = await testScript(
      'main-thread-worker.js',
      "import { runWorker } from './runtime/worker/loop.js';\nawait runWorker();\n",
    );
    const chain = new AdderChain();
    const candidates = Array.from({ length: 1000 }, () => chain.next());
    const pvfs: [string, Uint8Array][] = [['adder (ours)', await exampleFromSource('adder')]];
    if (HAVE_FIXTURES) pvfs.push(['adder (reference blob)', fixture('pvf/adder.wasm')]);
    const rows: Row[] = [];
    for (const [label, code] of pvfs) {
      const main = await measure(mainThread, code, candidates);
      const thread = await measure(b.worker, code, candidates);
      rows.push({
        pvf: label,
        'main thread /s': Math.round(main.perSec),
        'guest thread /s': Math.round(thread.perSec),
        'main thread CPU µs': Math.round(main.cpuUs),
        'guest thread CPU µs': Math.round(thread.cpuUs),
        'CPU ratio': Math.round((thread.cpuUs / main.cpuUs) * 100) / 100,
      });
    }
    return rows;
  },
};
