// The validation host under faults, through real sealed workers: runaway code, a worker killed
// mid-job, a resident-memory blow-up, and workers that break the protocol.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, hex, unhex } from '../../support/fixtures.js';
import { infiniteLoopPvf, residentMemoryPvf } from '../../support/hostile-pvfs.js';
import { closedAfterEach } from '../../support/test-host.js';
import { testScript } from '../../support/worker-bundle.js';
import { reportedCpuMs } from '../../support/timeouts.js';

const linux = process.platform === 'linux';
const newHost = closedAfterEach();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
async function until(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}

describe.runIf(linux && HAVE_FIXTURES)('validation host faults', () => {
  const vector = HAVE_FIXTURES
    ? JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8'))
    : undefined;
  const params = HAVE_FIXTURES ? unhex(vector.params) : new Uint8Array();
  const adder = HAVE_FIXTURES ? fixture('pvf/adder.wasm') : new Uint8Array();

  it('an infinite loop is a hard timeout within the bound; the worker is replaced and the next job succeeds', async () => {
    const host = await newHost();
    const [before] = host.workerPids;
    const out = await host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 300 });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    // The budget is the worker's CPU time (all its threads, like the reference's
    // ProcessTime), checked every 50 ms; the wall-clock backstop is 4x.
    expect(reportedCpuMs(out)).toBeGreaterThanOrEqual(300);
    expect(out.durationMs).toBeLessThan(1200);
    expect(alive(before!)).toBe(false);
    const next = await host.validate({ code: adder, params });
    expect(next.kind === 'valid' && hex(next.resultBytes)).toBe(vector.expectedResult);
    expect(host.workerPids).not.toContain(before);
  });

  it('kill -9 of a worker mid-job: possibly-invalid for backing (no retry)', async () => {
    const host = await newHost();
    const [pid] = host.workerPids;
    const run = host.validate({
      code: infiniteLoopPvf(),
      params,
      kind: 'backing',
      timeoutMs: 1500,
    });
    await sleep(250);
    process.kill(pid!, 'SIGKILL');
    const out = await run;
    expect(out).toMatchObject({
      kind: 'possibly-invalid',
      reason: 'ambiguous-job-death',
      message: 'received signal: SIGKILL',
      attempts: 1,
    });
  });

  it('kill -9 of a worker mid-job: approval retries once after the delay', async () => {
    const host = await newHost({ retryDelayMs: 100 });
    const [pid] = host.workerPids;
    const run = host.validate({
      code: infiniteLoopPvf(),
      params,
      kind: 'approval',
      timeoutMs: 1500,
    });
    await sleep(250);
    process.kill(pid!, 'SIGKILL');
    const out = await run;
    // The retry runs the same endless code on a fresh worker and times out with the time left.
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout', attempts: 2 });
    expect(out.durationMs).toBeLessThan(1500 * 4);
  });

  it('no retry when the delay would pass the timeout', async () => {
    const host = await newHost({ retryDelayMs: 5000 });
    const [pid] = host.workerPids;
    const run = host.validate({
      code: infiniteLoopPvf(),
      params,
      kind: 'approval',
      timeoutMs: 1500,
    });
    await sleep(250);
    process.kill(pid!, 'SIGKILL');
    expect(await run).toMatchObject({ kind: 'possibly-invalid', attempts: 1 });
  });

  it('a worker crossing the resident-memory ceiling is killed: possibly-invalid (memory-limit)', async () => {
    const host = await newHost({ workerMemoryLimitBytes: 150 * 1024 ** 2 });
    const [pid] = host.workerPids;
    const out = await host.validate({ code: residentMemoryPvf(), params, timeoutMs: 10_000 });
    expect(out).toMatchObject({ kind: 'possibly-invalid', reason: 'memory-limit' });
    expect(alive(pid!)).toBe(false);
    expect((await host.validate({ code: adder, params })).kind).toBe('valid');
  });

  it('negative control: the same code under the default ceiling runs into its timeout instead', async () => {
    const host = await newHost();
    const out = await host.validate({ code: residentMemoryPvf(), params, timeoutMs: 1500 });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
  });
});

// Fake workers: they answer the handshake and `prepare` correctly, then misbehave on `execute`.
const FAKE_WORKER = (misbehave: string) => `
import { readSync, writeSync } from 'node:fs';
import { FrameReader } from './runtime/protocol/frame-reader.js';
import { decodeHostMessage, encodeWorkerMessage, PROTOCOL_VERSION } from './runtime/protocol/messages.js';
import { writeFrame } from './runtime/worker/channel.js';
const reader = new FrameReader(96 * 1024 * 1024);
const buf = Buffer.alloc(65536);
for (;;) {
  const n = readSync(0, buf, 0, buf.length, null);
  if (n === 0) process.exit(0);
  reader.feed(buf.subarray(0, n), (f) => {
    const m = decodeHostMessage(f.tag, f.id, f.body);
    if (m.tag === 'hello')
      writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: process.pid,
        sandbox: { seccomp: -1, noNewPrivs: -1, uid: -1, netns: '', fsRestricted: true, layers: '' } }));
    else if (m.tag === 'prepare')
      writeFrame(encodeWorkerMessage({ tag: 'result', id: m.id, cpuMicros: 0, outcome: { kind: 'prepared', codeBytes: 1, compileMicros: 1 } }));
    else { ${misbehave} }
  });
}
`;

describe.runIf(linux && HAVE_FIXTURES)('workers that break the protocol are killed', () => {
  const params = HAVE_FIXTURES
    ? unhex(JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8')).params)
    : new Uint8Array();

  for (const [what, misbehave] of [
    [
      'a frame with an impossible length',
      `writeSync(1, Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]));`,
    ],
    ['an unknown tag', `writeSync(1, Buffer.from([5, 0, 0, 0, 99, 0, 0, 0, 0]));`],
    [
      'a reply to another request',
      `writeFrame(encodeWorkerMessage({ tag: 'result', id: m.id + 7, cpuMicros: 0, outcome: { kind: 'code-missing' } }));`,
    ],
    [
      'a second handshake',
      `writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: 1, sandbox: { seccomp: 2, noNewPrivs: 1, uid: 0, netns: '', fsRestricted: true, layers: '' } }));`,
    ],
  ] as const) {
    it(`${what}: ambiguous worker death, and the worker is gone`, async () => {
      const script = await testScript(
        `fake-${what.replace(/\W+/g, '-')}.js`,
        FAKE_WORKER(misbehave),
      );
      const host = await newHost({ workerScript: script });
      const [pid] = host.workerPids;
      const out = await host.validate({ code: fixture('pvf/adder.wasm'), params });
      expect(out).toMatchObject({ kind: 'possibly-invalid', reason: 'ambiguous-worker-death' });
      if (out.kind === 'possibly-invalid') expect(out.message).toContain('protocol');
      await until(() => !alive(pid!));
    });
  }

  it('negative control: the same fake worker answering correctly gives a verdict', async () => {
    const script = await testScript(
      'fake-honest.js',
      FAKE_WORKER(
        `writeFrame(encodeWorkerMessage({ tag: 'result', id: m.id, cpuMicros: 0, outcome: { kind: 'invalid', reason: 'trap', message: 'fake', logs: [] } }));`,
      ),
    );
    const host = await newHost({ workerScript: script });
    const out = await host.validate({ code: fixture('pvf/adder.wasm'), params });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported', message: 'fake' });
  });
});
