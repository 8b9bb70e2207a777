// The hot path's rules that are not speed: a job that answers after using its whole CPU budget
// is a hard timeout (the reference's JobTimedOut), and a worker whose jobs are long holds at
// most two requests (so a later dispute waits behind one queued job at most). Fake workers
// speak the real protocol and report what they saw.
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { testBundles, testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';
const hosts: ValidationHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

async function fakeHost(name: string, onExecute: string) {
  const b = await testBundles();
  const script = await testScript(name, FAKE_WORKER(onExecute));
  const h = await ValidationHost.create({
    workers: 1,
    workerScript: script,
    sandbox: { launcher: b.launcher },
    logger: { warn: () => {} },
  });
  hosts.push(h);
  return h;
}

// Answers the handshake and `prepare`; `onExecute` handles each execute request `m`, with
// `answer(id, cpuMicros, message)` to reply `invalid` with that message.
const FAKE_WORKER = (onExecute: string) => `
import { FrameReader } from './runtime/protocol/frame-reader.js';
import { decodeHostMessage, encodeWorkerMessage, PROTOCOL_VERSION } from './runtime/protocol/messages.js';
import { writeFrame } from './runtime/worker/channel.js';
const reader = new FrameReader(96 * 1024 * 1024);
const answer = (id, cpuMicros, message) => writeFrame(encodeWorkerMessage({ tag: 'result', id, cpuMicros,
  outcome: { kind: 'invalid', reason: 'trap', message, logs: [] } }));
const state = { executes: 0, held: [], timer: undefined };
process.stdin.on('data', (chunk) => reader.feed(chunk, (f) => {
  const m = decodeHostMessage(f.tag, f.id, f.body);
  if (m.tag === 'hello')
    writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: process.pid,
      sandbox: { seccomp: -1, noNewPrivs: -1, uid: -1, netns: '', fsRestricted: true, layers: '' } }));
  else if (m.tag === 'prepare')
    writeFrame(encodeWorkerMessage({ tag: 'result', id: m.id, cpuMicros: 0, outcome: { kind: 'prepared', codeBytes: 1, compileMicros: 1 } }));
  else { state.executes++; ${onExecute} }
}));
`;

const code = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
const params = new Uint8Array(8);

describe.runIf(linux)('the hot path keeps the reference’s rules', () => {
  it('a job that used its whole CPU budget is a hard timeout even though it answered; the worker stays', async () => {
    // The first job reports exactly the backing budget (2 s), the second 1 ms less.
    const host = await fakeHost(
      'fake-cpu-budget.js',
      `answer(m.id, state.executes === 1 ? 2_000_000 : 1_999_000, 'answered');`,
    );
    const [pid] = host.workerPids;
    const over = await host.validate({ code, params });
    expect(over).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    if (over.kind === 'invalid') expect(over.message).toContain('(2000 ms CPU');
    // Negative control: under the budget, the worker's verdict stands.
    const under = await host.validate({ code, params });
    expect(under).toMatchObject({
      kind: 'invalid',
      reason: 'worker-reported',
      message: 'answered',
    });
    expect(host.workerPids).toEqual([pid]);
  });

  it('a worker whose jobs are long never holds more than two requests', async () => {
    // Holds every execute for 300 ms, then answers all it holds, saying how many that was.
    const host = await fakeHost(
      'fake-pipeline.js',
      `state.held.push(m.id);
       state.timer ??= setTimeout(() => {
         const n = state.held.length;
         for (const id of state.held.splice(0)) answer(id, 1000, 'held ' + n);
         state.timer = undefined;
       }, 300);`,
    );
    const outs = await Promise.all(
      Array.from({ length: 6 }, () => host.validate({ code, params })),
    );
    const held = outs.map((o) => (o.kind === 'invalid' ? o.message : o.kind));
    expect(held).toEqual(Array(6).fill('held 2'));
  });
});
