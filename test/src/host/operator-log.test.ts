// Operator log lines through real sealed workers: each event (start and seal check, death by
// signal, kills for time, memory and protocol, respawn, failed start, failed preparation, the
// PVF's own log records) produces its one line, with its level and fields.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeHashOf, hexOf } from '../../../src/host/code-hash.js';
import type { HostLogger, LogFields, LogLevel } from '../../../src/host/log.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, unhex } from '../../support/fixtures.js';
import { infiniteLoopPvf, residentMemoryPvf } from '../../support/hostile-pvfs.js';
import { closedAfterEach } from '../../support/test-host.js';
import { testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';
const newHost = closedAfterEach();

interface Line {
  level: LogLevel;
  fields: LogFields;
  message: string;
}

/** A logger that keeps every line, at every level. */
function recorder(): { logger: HostLogger; lines: Line[]; of(event: string): Line[] } {
  const lines: Line[] = [];
  const at = (level: LogLevel) => (fields: LogFields, message: string) =>
    void lines.push({ level, fields, message });
  return {
    logger: {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      trace: at('trace'),
    },
    lines,
    of: (event) => lines.filter((l) => l.fields.event === event),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}
const hashOf = (code: Uint8Array) => `0x${hexOf(codeHashOf(code))}`;

describe.runIf(linux && HAVE_FIXTURES)('operator log, real workers', () => {
  const params = HAVE_FIXTURES
    ? unhex(JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8')).params)
    : new Uint8Array();
  const adder = HAVE_FIXTURES ? fixture('pvf/adder.wasm') : new Uint8Array();

  it('a start: spawned (debug), then sealed (info) with the durations of both checks', async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger });
    const [pid] = host.workerPids;
    expect(r.of('worker-spawned')).toMatchObject([{ level: 'debug', fields: { worker: 0 } }]);
    const [sealed] = r.of('worker-sealed');
    expect(sealed).toMatchObject({ level: 'info', fields: { worker: 0, pid } });
    expect(sealed!.fields.handshakeMs).toBeGreaterThan(0);
    expect(sealed!.fields.verifyMs).toBeGreaterThanOrEqual(0);
    expect(typeof sealed!.fields.layers).toBe('string');
    // Nothing at warn or above on a healthy start.
    expect(r.lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('a timeout kill names the job, its kind, code hash and budget; the respawn follows', async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger });
    const [pid] = host.workerPids;
    const code = infiniteLoopPvf();
    const out = await host.validate({ code, params, timeoutMs: 300 });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    const [kill] = r.of('worker-killed');
    expect(kill).toMatchObject({
      level: 'warn',
      fields: {
        reason: 'timeout',
        worker: 0,
        pid,
        job: 1,
        step: 'execute',
        kind: 'backing',
        codeHash: hashOf(code),
        budgetMs: 300,
      },
    });
    expect(kill!.fields.cpuMs).toBeGreaterThanOrEqual(300);
    expect(kill!.fields.runningMs).toBeGreaterThan(0);
    expect(r.of('worker-respawn')).toMatchObject([
      { level: 'info', fields: { worker: 0, delayMs: 0 } },
    ]);
    await until(() => r.of('worker-sealed').length === 2);
    expect(r.of('worker-died')).toEqual([]);
  });

  it('a death by signal mid-job: worker-died with the signal and the job it ran', async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger });
    const [pid] = host.workerPids;
    const run = host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 1500 });
    await sleep(250);
    process.kill(pid!, 'SIGKILL');
    expect((await run).kind).toBe('possibly-invalid');
    expect(r.of('worker-died')).toMatchObject([
      {
        level: 'warn',
        fields: { worker: 0, pid, signal: 'SIGKILL', code: null, job: 1, step: 'execute' },
      },
    ]);
    expect(r.of('worker-killed')).toEqual([]);
  });

  it('a memory kill: worker-killed with the resident size and the limit', async () => {
    const r = recorder();
    const limit = 150 * 1024 ** 2;
    const host = await newHost({ logger: r.logger, workerMemoryLimitBytes: limit });
    const out = await host.validate({ code: residentMemoryPvf(), params, timeoutMs: 10_000 });
    expect(out).toMatchObject({ kind: 'possibly-invalid', reason: 'memory-limit' });
    const [kill] = r.of('worker-killed');
    expect(kill).toMatchObject({
      level: 'warn',
      fields: { reason: 'memory-limit', limitBytes: limit, step: 'execute' },
    });
    expect(kill!.fields.rssBytes).toBeGreaterThan(limit);
  });

  it('a protocol violation: worker-killed at error level with the reason', async () => {
    const script = await testScript('operator-log-fake.js', FAKE_WORKER);
    const r = recorder();
    const host = await newHost({ logger: r.logger, workerScript: script });
    const out = await host.validate({ code: adder, params });
    expect(out).toMatchObject({ kind: 'possibly-invalid', reason: 'ambiguous-worker-death' });
    await until(() => r.of('worker-killed').length > 0);
    const [kill] = r.of('worker-killed');
    expect(kill).toMatchObject({ level: 'error', fields: { reason: 'protocol', step: 'execute' } });
    expect(String(kill!.fields.message)).toMatch(/tag/);
  });

  it('a worker that cannot start: worker-start-failed at error level', async () => {
    const script = await testScript('operator-log-exits.js', 'process.exit(3);');
    const r = recorder();
    await expect(
      newHost({ logger: r.logger, workerScript: script, spawnTimeoutMs: 5000 }),
    ).rejects.toThrow(/failed to start/);
    const [failed] = r.of('worker-start-failed');
    expect(failed).toMatchObject({ level: 'error', fields: { worker: 0, failures: 1 } });
    expect(String(failed!.fields.message)).toMatch(/code 3/);
  });

  it('a failed preparation: preparation-failed with reason, determinism and code hash', async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger });
    const junk = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0xff, 0xff]);
    const out = await host.prepare(junk);
    expect(out.kind).toBe('preparation-error');
    // Deterministic: the code's own failure, at info (a timed-out one is at warn).
    expect(r.of('preparation-failed')).toMatchObject([
      {
        level: 'info',
        fields: { codeHash: hashOf(junk), kind: 'precheck', deterministic: true },
      },
    ]);
    expect(r.of('preparation-failed')[0]!.fields.reason).toBe(
      out.kind === 'preparation-error' ? out.reason : undefined,
    );
  });

  it('a preparation past its budget: preparation-failed at warn, not deterministic', async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger, precheckTimeoutMs: 1 });
    const out = await host.prepare(adder);
    expect(out).toMatchObject({ kind: 'preparation-error', reason: 'timed-out' });
    expect(r.of('preparation-failed')).toMatchObject([
      { level: 'warn', fields: { reason: 'timed-out', deterministic: false, kind: 'precheck' } },
    ]);
  });

  it("the PVF's own log records, at their level, when maxLogLevel lets it log", async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger, executorParams: { maxLogLevel: 5 } });
    const out = await host.validate({ code: adder, params: params.subarray(0, 10) });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported' });
    const lines = r.of('runtime-log');
    // Exactly the records the outcome carries, one line each.
    expect(lines.length).toBe(out.kind === 'invalid' ? out.logs.length : -1);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: { event: 'runtime-log', target: 'runtime', codeHash: hashOf(adder) },
      }),
    );
    expect(lines.map((l) => l.message).join('\n')).toContain('Invalid input data');
  });

  it('negative control: a valid job of the same PVF, which logs nothing, gives no runtime line', async () => {
    const r = recorder();
    const host = await newHost({ logger: r.logger, executorParams: { maxLogLevel: 5 } });
    const out = await host.validate({ code: adder, params });
    expect(out).toMatchObject({ kind: 'valid', logs: [] });
    expect(r.of('runtime-log')).toEqual([]);
  });

  it('a logger that throws changes no outcome', async () => {
    const boom = () => {
      throw new Error('logger down');
    };
    const host = await newHost({ logger: { error: boom, warn: boom, info: boom, debug: boom } });
    const out = await host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 200 });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    expect((await host.validate({ code: adder, params })).kind).toBe('valid');
  });
});

// Answers the handshake and `prepare`, then an unknown frame tag for anything else.
const FAKE_WORKER = `
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
    else writeSync(1, Buffer.from([5, 0, 0, 0, 99, 0, 0, 0, 0]));
  });
}
`;
