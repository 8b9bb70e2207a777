// The micro section's sealed-worker rows: Polkadot's adder through one sealed worker, the
// worker's idle work (the standby instance, runtime/worker/jobs.ts `idle`) off and on, two
// workers side by side in interleaved rounds. One request at a time (submit → outcome: the
// latency a validator's single candidate sees) and 16 in flight (throughput); worker CPU per
// validation from /proc (the whole process: what the validation costs the machine, idle work
// included).
import { readFileSync } from 'node:fs';
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Candidate } from '../src/examples/candidate.js';
import type { ValidationHost } from '../src/host/validation-host.js';
import { fixture, HAVE_FIXTURES } from '../test/support/fixtures.js';
import { createTestHost } from '../test/support/test-host.js';
import { testScript } from '../test/support/worker-bundle.js';
import { percentiles, type Row } from './section.js';

const ROUNDS = 3;
const SERIAL = 1500;
const WINDOW = 16;

/** User + system CPU of a process, in ms (100 Hz clock ticks). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The production worker's entry with the loop's idle work switched off (test-only scripts). */
async function workerWithoutIdleWork(): Promise<string> {
  const thread = await testScript(
    'worker-thread-no-idle.js',
    [
      "import { warmUpHostFunctions } from './runtime/host/host-warmup.js';",
      "import { runWorker } from './runtime/worker/loop.js';",
      'warmUpHostFunctions();',
      'await runWorker({ idleWork: false });',
    ].join('\n'),
  );
  const name = thread.split('/').pop()!;
  return testScript(
    'worker-no-idle.js',
    [
      "import { Worker } from 'node:worker_threads';",
      "import { GUEST_THREAD_STACK_MB } from './runtime/determinism/native-stack.js';",
      `const loop = new Worker(new URL('./${name}', import.meta.url), {`,
      '  resourceLimits: { stackSizeMb: GUEST_THREAD_STACK_MB },',
      '});',
      "loop.on('error', (e) => { process.stderr.write(String(e)); process.exitCode = 1; });",
      "loop.on('exit', (c) => process.exit(process.exitCode ?? c));",
    ].join('\n'),
  );
}

interface Figures {
  latency: number[];
  serialCpuUs: number[];
  perSec: number[];
  windowCpuUs: number[];
}

async function round(host: ValidationHost, code: Uint8Array, cs: Candidate[], f: Figures) {
  const pid = host.workerPids[0]!;
  const run = async (i: number) => {
    const c = cs[i % cs.length]!;
    const out = await host.validate({ code, params: c.params });
    if (out.kind !== c.expected.kind) throw new Error(`${c.label}: got ${out.kind}`);
  };
  let cpu0 = cpuMs(pid);
  for (let i = 0; i < SERIAL; i++) {
    const t = performance.now();
    await run(i);
    f.latency.push(performance.now() - t);
  }
  f.serialCpuUs.push(((cpuMs(pid) - cpu0) * 1000) / SERIAL);
  cpu0 = cpuMs(pid);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < SERIAL) await run(next++);
    }),
  );
  f.perSec.push(SERIAL / ((performance.now() - t0) / 1000));
  f.windowCpuUs.push(((cpuMs(pid) - cpu0) * 1000) / SERIAL);
}

export async function workerRows(): Promise<Row[]> {
  if (!HAVE_FIXTURES || process.platform !== 'linux') return [];
  const code = fixture('pvf/adder.wasm');
  const chain = new AdderChain();
  const cs = Array.from({ length: 1000 }, () => chain.next());
  const hosts = {
    off: await createTestHost({ workerScript: await workerWithoutIdleWork() }),
    on: await createTestHost(),
  };
  const figures: Record<string, Figures> = {};
  try {
    for (const [mode, host] of Object.entries(hosts)) {
      figures[mode] = { latency: [], serialCpuUs: [], perSec: [], windowCpuUs: [] };
      await round(host, code, cs, { latency: [], serialCpuUs: [], perSec: [], windowCpuUs: [] });
    }
    for (let r = 0; r < ROUNDS; r++)
      for (const [mode, host] of Object.entries(hosts)) await round(host, code, cs, figures[mode]!);
  } finally {
    await Promise.all(Object.values(hosts).map((h) => h.close()));
  }
  const med = (xs: number[]) => Math.round(percentiles([...xs]).p50);
  return Object.entries(figures).map(([mode, f]) => {
    const mean = (f.latency.reduce((a, b) => a + b, 0) / f.latency.length) * 1000;
    const { p50, p99 } = percentiles(f.latency);
    return {
      case: `sealed worker: Polkadot's adder, idle work ${mode}`,
      'one at a time p50 µs': Math.round(p50 * 1000),
      'one at a time mean µs': Math.round(mean),
      'one at a time p99 µs': Math.round(p99 * 1000),
      'worker CPU µs (one at a time)': med(f.serialCpuUs),
      [`${WINDOW} in flight /s`]: med(f.perSec),
      [`worker CPU µs (${WINDOW} in flight)`]: med(f.windowCpuUs),
    };
  });
}
