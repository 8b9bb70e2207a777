// Part of the host section (`npm run bench -- host`): what verdict isolation costs, and what
// create/close cycles leave behind.
// - Isolation: the same workloads through hosts with isolation 'none' (shared workers), 'code'
//   (the default: a worker per code hash, retired when another code needs it) and 'job' (a
//   fresh sealed process per job), side by side in interleaved rounds: the adder and a
//   Core_version call of template-parachain on one code, and three adder variants (the same
//   blob with a custom section each, so three code hashes) round-robin on 2 workers, the worst
//   case for 'code' (every switch may retire a worker).
// - Cycles: CYCLES create → one validation → close cycles in this process: RSS, fds and child
//   processes before, at the middle and after.
import { readdirSync, readFileSync } from 'node:fs';
import { AdderChain } from '../src/examples/adder-chain.js';
import type { Isolation } from '../src/host/placement.js';
import { ValidationHost } from '../src/host/validation-host.js';
import { fixture } from '../test/support/fixtures.js';
import { testBundles } from '../test/support/worker-bundle.js';
import type { Row } from './section.js';
import { type Job, Meter } from './side-by-side.js';

const MODES: readonly Isolation[] = ['none', 'code', 'job'];
const ROUNDS = 3;
const WORKERS = 2;
const WINDOW_PER_WORKER = 16;
const CYCLES = 200;

/** The adder blob with a custom section named `tag` appended: same code, another hash. */
function variant(adder: Uint8Array, tag: string): Uint8Array {
  const name = new TextEncoder().encode(tag);
  return Uint8Array.from([...adder, 0, name.length + 1, name.length, ...name]);
}

interface Load {
  readonly label: string;
  readonly roundMs: number;
  readonly latencyJobs: number;
  job(host: ValidationHost): Job;
}

function loads(): Load[] {
  const adder = fixture('pvf/adder.wasm');
  const chain = new AdderChain();
  const blocks = Array.from({ length: 500 }, () => chain.next());
  const variants = ['a', 'b', 'c'].map((t) => variant(adder, t));
  const template = fixture('pvf/template-parachain.compact.compressed.wasm');
  const validate =
    (codeOf: (i: number) => Uint8Array) => (host: ValidationHost) => async (i: number) => {
      const c = blocks[i % blocks.length]!;
      const out = await host.validate({ code: codeOf(i), params: c.params });
      if (out.kind !== c.expected.kind) throw new Error(`isolation bench: got ${out.kind}`);
    };
  return [
    { label: 'adder, one code', roundMs: 1000, latencyJobs: 40, job: validate(() => adder) },
    {
      label: 'Core_version, template-parachain',
      roundMs: 1500,
      latencyJobs: 10,
      job: (host) => async () => {
        if ((await host.call({ code: template, fn: 'Core_version' })).kind !== 'returned')
          throw new Error('isolation bench: Core_version');
      },
    },
    {
      label: '3 adder codes round-robin',
      roundMs: 1000,
      latencyJobs: 30,
      job: validate((i) => variants[i % 3]!),
    },
  ];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export async function isolationRows(): Promise<Row[]> {
  const b = await testBundles();
  const out: Row[] = [];
  for (const load of loads()) {
    const hosts = await Promise.all(
      MODES.map((isolation) =>
        ValidationHost.create({
          workers: WORKERS,
          isolation,
          workerScript: b.worker,
          sandbox: { launcher: b.launcher },
        }),
      ),
    );
    try {
      const jobs = hosts.map((h) => load.job(h));
      const meters = hosts.map(() => new Meter());
      for (const job of jobs) await Promise.all(Array.from({ length: 8 }, (_, i) => job(i)));
      for (let r = 0; r < ROUNDS; r++)
        for (const [k, job] of jobs.entries()) {
          await meters[k]!.round(job, load.roundMs, WORKERS * WINDOW_PER_WORKER);
          await meters[k]!.latency(job, load.latencyJobs);
        }
      const base = meters[0]!.result().perSec;
      for (const [k, mode] of MODES.entries()) {
        const m = meters[k]!.result();
        out.push({
          workload: `isolation: ${load.label}`,
          executor: `host, ${WORKERS} workers, isolation '${mode}'`,
          'validations/s': Math.round(m.perSec),
          'p50 µs': round2(m.p50 * 1000),
          'p99 µs': round2(m.p99 * 1000),
          'host/bare': '',
          'host/peer': '',
          'vs none': round2(m.perSec / base),
        });
      }
    } finally {
      await Promise.all(hosts.map((h) => h.close()));
    }
  }
  return out;
}

const rssMiB = () =>
  (Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096) / 2 ** 20;
const children = () =>
  readdirSync('/proc/self/task').reduce(
    (n, t) =>
      n +
      readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
        .length,
    0,
  );
const fds = () => readdirSync('/proc/self/fd').length;

export async function cycleRows(): Promise<Row[]> {
  const b = await testBundles();
  const adder = fixture('pvf/adder.wasm');
  const c = new AdderChain().next();
  const snap = (at: string) =>
    `${at}: RSS ${rssMiB().toFixed(1)} MiB, ${fds()} fds, ${children()} children`;
  const notes: string[] = [];
  const cycle = async () => {
    const host = await ValidationHost.create({
      workers: WORKERS,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
    });
    if ((await host.validate({ code: adder, params: c.params })).kind !== 'valid')
      throw new Error('cycle bench: not valid');
    await host.close();
  };
  for (let i = 0; i < 5; i++) await cycle();
  notes.push(snap('after 5 warm-up cycles'));
  for (let i = 1; i <= CYCLES; i++) {
    await cycle();
    if (i === CYCLES / 2 || i === CYCLES) notes.push(snap(`after ${i} more`));
  }
  return [{ workload: `create → validate → close × ${CYCLES}`, executor: notes.join('; ') }];
}
