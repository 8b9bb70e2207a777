// Verdict isolation and head-of-line, through real processes. A fake worker answers every job
// with an identity of its own, so the test sees which process judged which PVF: under 'code' no process
// ever judges two codes, under 'job' no process judges two jobs, and the control ('none', the
// old shared pool) shows one process judging both. Then real sealed workers: honest jobs
// submitted with a spinning PVF are not held up behind it.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationHost } from '../../../src/host/validation-host.js';
import type { Isolation } from '../../../src/host/placement.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, unhex } from '../../support/fixtures.js';
import { infiniteLoopPvf } from '../../support/hostile-pvfs.js';
import { wasiExample } from '../../support/wasi-pvfs.js';
import { exampleFromSource } from '../../support/example-pvfs.js';
import { testBundles, testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';
const hosts: ValidationHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

// Answers every execute `invalid` with an identity of its own as the message, after `delayMs`;
// replies in request order, as a real worker does. The identity is random, not the pid: as pid 1
// of its own PID namespace every sealed worker has the same pid.
const PID_WORKER = (delayMs: number) => `
import { FrameReader } from './runtime/protocol/frame-reader.js';
import { decodeHostMessage, encodeWorkerMessage, PROTOCOL_VERSION } from './runtime/protocol/messages.js';
import { writeFrame } from './runtime/worker/channel.js';
const reader = new FrameReader(96 * 1024 * 1024);
const ME = Math.floor(Math.random() * 2 ** 48);
let chain = Promise.resolve();
const reply = (id, outcome, ms = 0) => { chain = chain.then(() => new Promise((r) => setTimeout(r, ms)))
  .then(() => writeFrame(encodeWorkerMessage({ tag: 'result', id, cpuMicros: 0, outcome }))); };
process.stdin.on('data', (chunk) => reader.feed(chunk, (f) => {
  const m = decodeHostMessage(f.tag, f.id, f.body);
  if (m.tag === 'hello')
    writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: process.pid,
      sandbox: { seccomp: -1, noNewPrivs: -1, uid: -1, netns: '', fsRestricted: true, layers: '' } }));
  else if (m.tag === 'prepare') reply(m.id, { kind: 'prepared', codeBytes: 1, compileMicros: 1 });
  else reply(m.id, { kind: 'invalid', reason: 'trap', message: String(ME), logs: [] }, ${delayMs});
}));
`;

async function pidHost(isolation: Isolation) {
  const b = await testBundles();
  const h = await ValidationHost.create({
    workers: 2,
    isolation,
    workerScript: await testScript('isolation-pid-worker.js', PID_WORKER(5)),
    sandbox: { launcher: b.launcher },
    logger: { warn: () => {} },
  });
  hosts.push(h);
  return h;
}

/** Runs `n` jobs alternating over codes A, B and C; returns which pids judged which code. */
async function judges(host: ValidationHost, n: number) {
  const codes = [1, 2, 3].map((k) => Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, k));
  const outs = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      host.validate({ code: codes[i % 3]!, params: new Uint8Array(8) }).then((o) => ({
        code: i % 3,
        pid: o.kind === 'invalid' ? Number(o.message) : NaN,
      })),
    ),
  );
  expect(outs.every((o) => Number.isInteger(o.pid))).toBe(true);
  const byPid = new Map<number, Set<number>>();
  for (const o of outs) byPid.set(o.pid, (byPid.get(o.pid) ?? new Set()).add(o.code));
  return { byPid, jobsPerPid: outs.length / byPid.size };
}

describe.runIf(linux)('verdict isolation', () => {
  it("'code' (default): a process that judged one PVF never judges another", async () => {
    const { byPid } = await judges(await pidHost('code'), 60);
    for (const codes of byPid.values()) expect(codes.size).toBe(1);
    // Every code was judged, by workers that each served several jobs (not one per job).
    expect(new Set([...byPid.values()].flatMap((s) => [...s])).size).toBe(3);
  });

  it("'job': a fresh process for every job", async () => {
    const { byPid, jobsPerPid } = await judges(await pidHost('job'), 12);
    expect(byPid.size).toBe(12);
    expect(jobsPerPid).toBe(1);
  });

  it("negative control 'none': one process judges several PVFs", async () => {
    const { byPid } = await judges(await pidHost('none'), 60);
    expect([...byPid.values()].some((codes) => codes.size > 1)).toBe(true);
  });

  it("'code': a worker whose PVF failed to compile is replaced for the next PVF", async () => {
    // A failed compile ends its dispatch while the run pipelined behind it is still out; the
    // retiring worker must still be killed once that run answers, or the slot never frees.
    const b = await testBundles();
    const host = await ValidationHost.create({
      workers: 1,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
    });
    hosts.push(host);
    const params = new Uint8Array(8);
    // Refused by the worker's prepare (they import sockets), after the host sent both steps.
    const broken = await Promise.all(
      (['wasi-sockets-p1', 'wasi-sockets-tcp'] as const).map((n) => wasiExample(n)),
    );
    // The project's own adder, compiled from source: the test needs no fixture folder.
    const adder = await exampleFromSource('adder');
    const codes = [adder, ...broken, adder];
    const kinds = [];
    for (const code of codes) {
      const out = await Promise.race([
        host.validate({ code, params }),
        new Promise<{ kind: string }>((r) => setTimeout(() => r({ kind: 'stuck' }), 10_000)),
      ]);
      kinds.push(out.kind);
    }
    expect(kinds).toEqual(['invalid', 'preparation-error', 'preparation-error', 'invalid']);
  });

  it('the default is code isolation', async () => {
    const { DEFAULT_HOST_OPTIONS } = await import('../../../src/host/options.js');
    expect(DEFAULT_HOST_OPTIONS.isolation).toBe('code');
  });
});

describe.runIf(linux && HAVE_FIXTURES)('no head-of-line blocking', () => {
  const params = HAVE_FIXTURES
    ? unhex(JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8')).params)
    : new Uint8Array();

  for (const isolation of ['code', 'none'] as const)
    it(`honest jobs submitted with a spinning PVF finish well inside their budget (${isolation})`, async () => {
      const b = await testBundles();
      const host = await ValidationHost.create({
        workers: 2,
        isolation,
        workerScript: b.worker,
        sandbox: { launcher: b.launcher },
        logger: { warn: () => {} },
      });
      hosts.push(host);
      const adder = fixture('pvf/adder.wasm');
      // Warm both workers on the adder, so the spinner lands on a worker with a pipeline.
      await Promise.all([1, 2].map(() => host.validate({ code: adder, params })));
      const spin = host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 3000 });
      const honest = await Promise.all(
        Array.from({ length: 8 }, () => host.validate({ code: adder, params, timeoutMs: 3000 })),
      );
      for (const o of honest) {
        expect(o.kind).toBe('valid');
        // Their budget is 3 s of CPU (12 s wall); behind the spinner they would wait it out.
        expect(o.durationMs).toBeLessThan(1500);
      }
      expect(await spin).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    });
});

describe.runIf(linux)('prechecks do not starve executions', () => {
  // Prechecks take 1.5 s each; executions answer at once.
  const SLOW_PRECHECK = `
import { FrameReader } from './runtime/protocol/frame-reader.js';
import { decodeHostMessage, encodeWorkerMessage, PROTOCOL_VERSION } from './runtime/protocol/messages.js';
import { writeFrame } from './runtime/worker/channel.js';
const reader = new FrameReader(96 * 1024 * 1024);
const ME = Math.floor(Math.random() * 2 ** 48);
let chain = Promise.resolve();
const reply = (id, outcome, ms) => { chain = chain.then(() => new Promise((r) => setTimeout(r, ms)))
  .then(() => writeFrame(encodeWorkerMessage({ tag: 'result', id, cpuMicros: 0, outcome }))); };
process.stdin.on('data', (chunk) => reader.feed(chunk, (f) => {
  const m = decodeHostMessage(f.tag, f.id, f.body);
  if (m.tag === 'hello')
    writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: process.pid,
      sandbox: { seccomp: -1, noNewPrivs: -1, uid: -1, netns: '', fsRestricted: true, layers: '' } }));
  else if (m.tag === 'prepare')
    reply(m.id, { kind: 'prepared', codeBytes: 1, compileMicros: 1 }, m.prepKind === 'precheck' ? 1500 : 0);
  else reply(m.id, { kind: 'invalid', reason: 'trap', message: 'ran', logs: [] }, 0);
}));
`;

  it('with prechecks of two PVFs pending, an execution runs at once on the worker they leave free', async () => {
    const b = await testBundles();
    const host = await ValidationHost.create({
      workers: 2,
      workerScript: await testScript('isolation-slow-precheck.js', SLOW_PRECHECK),
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
    });
    hosts.push(host);
    const code = (k: number) => Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, k);
    const prechecks = [1, 2].map((k) => host.prepare(code(k)));
    await new Promise((r) => setTimeout(r, 100));
    const out = await host.validate({ code: code(3), params: new Uint8Array(8) });
    expect(out).toMatchObject({ kind: 'invalid', message: 'ran' });
    // Without the bound, both workers would hold a 1.5 s precheck and the execution would
    // wait behind one of them.
    expect(out.durationMs).toBeLessThan(1000);
    for (const p of await Promise.all(prechecks)) expect(p.kind).toBe('prepared');
  });
});
