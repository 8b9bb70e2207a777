// A compromised worker abusing the protocol: oversized frames, unbounded log records, huge
// messages, log text past the budget, and a partial frame held while idle. Fake workers speak
// the real handshake and write the abusive bytes by hand; each case has an honest control
// that differs only in the abused size. Every job gets exactly one outcome.
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { MAX_WIRE_LOG_RECORDS } from '../../../runtime/protocol/messages.js';
import { testBundles, testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';
const hosts: ValidationHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

// Answers the handshake and `prepare`; on an execute `m`, runs `onExecute` with functions to
// write raw frames: `frame(tag, id, body)` and `invalid(id, message, records, text)`, the body of
// an `invalid` reply carrying `records` log records of `text` each.
const FAKE_WORKER = (onExecute: string) => `
import { writeSync } from 'node:fs';
import { FrameReader } from './runtime/protocol/frame-reader.js';
import { decodeHostMessage, encodeWorkerMessage, PROTOCOL_VERSION } from './runtime/protocol/messages.js';
import { writeFrame } from './runtime/worker/channel.js';
const reader = new FrameReader(96 * 1024 * 1024);
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
const str = (s) => Buffer.concat([u32(Buffer.byteLength(s)), Buffer.from(s)]);
const frame = (tag, id, body) => Buffer.concat([u32(body.length + 5), Buffer.from([tag]), u32(id), body]);
const invalid = (id, message, records, text) => {
  const rec = Buffer.concat([Buffer.from([1]), str(''), str(text)]);
  return frame(65, id, Buffer.concat([u32(0), Buffer.from([3]), str('panic'), str(message), u32(records),
    Buffer.alloc(rec.length * records).fill(rec)]));
};
const write = (b) => { for (let o = 0; o < b.length; ) o += writeSync(1, b, o); };
process.stdin.on('data', (chunk) => reader.feed(chunk, (f) => {
  const m = decodeHostMessage(f.tag, f.id, f.body);
  if (m.tag === 'hello')
    writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: process.pid,
      sandbox: { seccomp: -1, noNewPrivs: -1, uid: -1, netns: '', fsRestricted: true, layers: '' } }));
  else if (m.tag === 'prepare')
    writeFrame(encodeWorkerMessage({ tag: 'result', id: m.id, cpuMicros: 0, outcome: { kind: 'prepared', codeBytes: 1, compileMicros: 1 } }));
  else { ${onExecute} }
}));
`;

const code = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0);
const params = new Uint8Array(8);

async function fakeHost(name: string, onExecute: string) {
  const b = await testBundles();
  const h = await ValidationHost.create({
    workers: 1,
    // One process (no warm spare): the test knows which one judged.
    isolation: 'none',
    workerScript: await testScript(name, FAKE_WORKER(onExecute)),
    sandbox: { launcher: b.launcher },
    logger: { warn: () => {} },
  });
  hosts.push(h);
  return h;
}

/** One job's outcome, checking that it settles exactly once. */
async function once(host: ValidationHost) {
  let settled = 0;
  const out = await host.validate({ code, params }).finally(() => settled++);
  await new Promise((r) => setTimeout(r, 50));
  expect(settled).toBe(1);
  return out;
}

describe.runIf(linux)('protocol abuse by a worker is bounded while decoding', () => {
  const cases: [what: string, abuse: string, honest: string, refusal: RegExp][] = [
    [
      `${MAX_WIRE_LOG_RECORDS + 1} empty log records`,
      `write(invalid(m.id, 'fake', ${MAX_WIRE_LOG_RECORDS + 1}, ''));`,
      `write(invalid(m.id, 'fake', ${MAX_WIRE_LOG_RECORDS}, ''));`,
      /log records/,
    ],
    [
      '10 million empty log records (a 90 MB frame)',
      `write(invalid(m.id, 'fake', 10_000_000, ''));`,
      `write(invalid(m.id, 'fake', 100, ''));`,
      /bad frame length/,
    ],
    [
      'a 90 MiB panic message (only its header is needed)',
      `const h = invalid(m.id, 'x', 0, '').subarray(0, 9); h.writeUInt32LE(90 * 1024 * 1024, 0);
       write(Buffer.concat([h, Buffer.alloc(65536)]));`,
      `write(invalid(m.id, 'p'.repeat(1024), 0, ''));`,
      /bad frame length/,
    ],
    [
      'a 20 KiB panic message inside a small frame',
      `write(invalid(m.id, 'p'.repeat(20 * 1024), 0, ''));`,
      `write(invalid(m.id, 'p'.repeat(16 * 1024), 0, ''));`,
      /message: 20480 exceeds/,
    ],
    [
      'log text past maxLogBytes (64 KiB)',
      `write(invalid(m.id, 'fake', 1, 'l'.repeat(64 * 1024 + 1)));`,
      `write(invalid(m.id, 'fake', 1, 'l'.repeat(64 * 1024)));`,
      /log text/,
    ],
  ];

  for (const [what, abuse, honest, refusal] of cases) {
    it(`${what}: the worker is killed, the job ends possibly-invalid`, async () => {
      const host = await fakeHost(`abuse-${what.replace(/\W+/g, '-')}.js`, abuse);
      const [pid] = host.workerPids;
      const heap = process.memoryUsage().heapUsed;
      const out = await once(host);
      expect(out).toMatchObject({ kind: 'possibly-invalid', reason: 'ambiguous-worker-death' });
      if (out.kind === 'possibly-invalid') expect(out.message).toMatch(refusal);
      expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 * 1024 ** 2);
      expect(host.workerPids).not.toContain(pid);
    });

    it(`control for ${what}: at the bound, the worker's verdict stands`, async () => {
      const host = await fakeHost(`honest-${what.replace(/\W+/g, '-')}.js`, honest);
      const [pid] = host.workerPids;
      const out = await once(host);
      expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported' });
      expect(host.workerPids).toEqual([pid]);
    });
  }

  it('an idle worker holding a partial frame is killed; the next job gets a real verdict', async () => {
    const host = await fakeHost(
      'abuse-partial-frame.js',
      `write(invalid(m.id, 'fake', 0, '')); write(invalid(m.id + 1, 'next', 0, '').subarray(0, 5));`,
    );
    const [pid] = host.workerPids;
    expect(await once(host)).toMatchObject({ kind: 'invalid', message: 'fake' });
    for (let i = 0; i < 100 && host.workerPids.includes(pid!); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(host.workerPids).not.toContain(pid);
    // The next job runs on the replacement, not into the stalled stream (which would end in a
    // hard timeout with 0 ms of CPU).
    for (let i = 0; i < 100 && host.workerPids.length === 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await once(host)).toMatchObject({ kind: 'invalid', message: 'fake' });
  });

  it('control: the same worker without the partial frame keeps serving', async () => {
    const host = await fakeHost('honest-partial-frame.js', `write(invalid(m.id, 'fake', 0, ''));`);
    const [pid] = host.workerPids;
    expect(await once(host)).toMatchObject({ kind: 'invalid', message: 'fake' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await once(host)).toMatchObject({ kind: 'invalid', message: 'fake' });
    expect(host.workerPids).toEqual([pid]);
  });
});
