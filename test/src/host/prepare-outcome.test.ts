// host.prepare() through sealed workers: a precheck past its budget is the reference's
// `PrepareError::TimedOut` and a worker death during it `PrepareError::JobDied` — both
// non-deterministic preparation errors (polkadot/node/core/pvf/common/src/error.rs
// `is_deterministic`), never an execution's `invalid hard-timeout` or `possibly-invalid` — and a
// failed preparation is kept (`FailedToProcess`) instead of being compiled again.
import { describe, expect, it } from 'vitest';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import { closedAfterEach } from '../../support/test-host.js';
import { testScript } from '../../support/worker-bundle.js';
import { wat } from '../../support/wat.js';

const linux = process.platform === 'linux';
const newHost = closedAfterEach();

// A fake worker: a correct handshake, then `onPrepare` for every prepare request.
const FAKE_WORKER = (onPrepare: string) => `
import { readSync } from 'node:fs';
import { FrameReader } from './runtime/protocol/frame-reader.js';
import { decodeHostMessage, encodeWorkerMessage, PROTOCOL_VERSION } from './runtime/protocol/messages.js';
import { writeFrame } from './runtime/worker/channel.js';
const reader = new FrameReader();
const buf = Buffer.alloc(65536);
for (;;) {
  const n = readSync(0, buf, 0, buf.length, null);
  if (n === 0) process.exit(0);
  reader.feed(buf.subarray(0, n), (f) => {
    const m = decodeHostMessage(f.tag, f.id, f.body);
    if (m.tag === 'hello')
      writeFrame(encodeWorkerMessage({ tag: 'ready', id: 0, version: PROTOCOL_VERSION, pid: process.pid,
        sandbox: { seccomp: -1, noNewPrivs: -1, uid: -1, netns: '', fsRestricted: true, layers: '' } }));
    else if (m.tag === 'prepare') { ${onPrepare} }
  });
}
`;

const HEAD = `(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))`;
const code = () =>
  wat(`(module ${HEAD} (func (export "validate_block") (param i32 i32) (result i64) i64.const 0))`);

describe.runIf(linux)('host.prepare() outcome kinds', () => {
  it('a precheck past its CPU budget is preparation-error timed-out (not deterministic)', async () => {
    const script = await testScript('fake-prepare-spin.js', FAKE_WORKER('for (;;) {}'));
    const host = await newHost({ workerScript: script, precheckTimeoutMs: 200 });
    const out = await host.prepare(await code());
    expect(out).toMatchObject({
      kind: 'preparation-error',
      reason: 'timed-out',
      deterministic: false,
      attempts: 1,
    });
  });

  it('a worker dying during a precheck is preparation-error job-died (not deterministic)', async () => {
    const script = await testScript(
      'fake-prepare-die.js',
      // Exits mid-precheck. (A signal it sends itself would not do: as pid 1 of its own PID
      // namespace, the worker ignores SIGKILL from inside that namespace.)
      FAKE_WORKER(`process.exit(70);`),
    );
    const host = await newHost({ workerScript: script });
    const out = await host.prepare(await code());
    expect(out).toMatchObject({
      kind: 'preparation-error',
      reason: 'job-died',
      deterministic: false,
    });
  });

  it('negative control: the same fake worker answering the precheck prepares', async () => {
    const script = await testScript(
      'fake-prepare-ok.js',
      FAKE_WORKER(
        `writeFrame(encodeWorkerMessage({ tag: 'result', id: m.id, cpuMicros: 0, outcome: { kind: 'prepared', codeBytes: 1, compileMicros: 1 } }));`,
      ),
    );
    const host = await newHost({ workerScript: script });
    expect((await host.prepare(await code())).kind).toBe('prepared');
  });

  it.runIf(HAVE_FIXTURES)(
    'a real worker prechecking a Cumulus runtime past a tiny budget: timed-out, then kept',
    async () => {
      const host = await newHost({ precheckTimeoutMs: 20 });
      const runtime = fixture(CUMULUS_RUNTIMES[4].file);
      const out = await host.prepare(runtime);
      expect(out).toMatchObject({ kind: 'preparation-error', reason: 'timed-out', attempts: 1 });
      // FailedToProcess: a precheck never retries, an execution waits for the cooldown.
      expect(await host.prepare(runtime)).toMatchObject({ reason: 'timed-out', attempts: 0 });
      const run = await host.validate({ code: runtime, params: new Uint8Array(0) });
      expect(run).toMatchObject({ kind: 'preparation-error', reason: 'timed-out', attempts: 0 });
    },
  );

  it('a deterministic preparation error is kept: no worker compiles the code again', async () => {
    const host = await newHost();
    const bad = await wat(`(module ${HEAD} (func (drop (i32.extend8_s (i32.const 1)))))`);
    const first = await host.prepare(bad);
    expect(first).toMatchObject({
      kind: 'preparation-error',
      reason: 'prevalidation',
      attempts: 1,
    });
    const again = await host.prepare(bad);
    expect(again).toMatchObject({
      kind: 'preparation-error',
      reason: 'prevalidation',
      attempts: 0,
    });
    const run = await host.validate({ code: bad, params: new Uint8Array(0), kind: 'approval' });
    expect(run).toMatchObject({ kind: 'preparation-error', reason: 'prevalidation', attempts: 0 });
    // Negative control: good code on the same host goes to a worker every time it is asked.
    expect(await host.prepare(await code())).toMatchObject({ kind: 'prepared', attempts: 1 });
  });
});
