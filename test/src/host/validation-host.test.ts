// End to end through real sealed worker processes: the adder's published vector, hostile PVFs,
// and the accounting of many concurrent jobs.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostClosedError, QueueFullError, UnknownCodeError } from '../../../src/host/errors.js';
import { ValidationHost } from '../../../src/host/validation-host.js';
import type { CallOutcome, ValidationOutcome } from '../../../src/host/outcome.js';
import {
  CUMULUS_RUNTIMES,
  fixture,
  FIXTURES_DIR,
  HAVE_FIXTURES,
  hex,
  unhex,
} from '../../support/fixtures.js';
import { hostileResultPvf, memoryBombPvf } from '../../support/hostile-pvfs.js';
import { testBundles } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';

async function newHost(extra: Parameters<typeof ValidationHost.create>[0] = {}) {
  const b = await testBundles();
  return ValidationHost.create({
    workers: 2,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
    logger: { warn: () => {} },
    ...extra,
  });
}

describe.runIf(linux && HAVE_FIXTURES)('ValidationHost on the adder', () => {
  const vector = HAVE_FIXTURES
    ? JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8'))
    : undefined;
  let host: ValidationHost;
  let adder: Uint8Array;
  let params: Uint8Array;

  beforeAll(async () => {
    host = await newHost();
    adder = fixture('pvf/adder.wasm');
    params = unhex(vector.params);
  });
  afterAll(() => host?.close());

  it('runs every worker sealed (seccomp filter on every thread, checked from /proc)', () => {
    expect(host.workerPids).toHaveLength(2);
    for (const pid of host.workerPids) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^Seccomp:\s+2$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    }
  });

  it('validates the gossamer vector byte for byte', async () => {
    const out = await host.validate({ code: adder, params });
    expect(out.kind).toBe('valid');
    if (out.kind !== 'valid') return;
    expect(hex(out.resultBytes)).toBe(vector.expectedResult);
    expect(out.result.hrmpWatermark).toBe(1);
    expect(out.result.processedDownwardMessages).toBe(0);
    expect(out.result.newValidationCode).toBeUndefined();
    expect(out.attempts).toBe(1);
  });

  it('prepares code and then validates by its hash', async () => {
    const p = await host.prepare(adder);
    expect(p.kind).toBe('prepared');
    if (p.kind !== 'prepared') return;
    expect(p.codeBytes).toBe(adder.length);
    const out = await host.validate({ codeHash: hex(p.codeHash), params, kind: 'approval' });
    expect(out.kind === 'valid' && hex(out.resultBytes)).toBe(vector.expectedResult);
  });

  it('builds ValidationParams from PoV parts in the worker', async () => {
    // The vector's params: parent head (compact len 0x21 = 33 bytes... see the JSON), block
    // data, relay parent number 1 and the storage root; decode them to feed the parts.
    const { decodeValidationParams } = await import('../../../runtime/codec/validation.js');
    const p = decodeValidationParams(params);
    const out = await host.validate({ code: adder, params: p });
    expect(out.kind === 'valid' && hex(out.resultBytes)).toBe(vector.expectedResult);
  });

  it('reports the panic message of truncated params as invalid', async () => {
    const out = await host.validate({ code: adder, params: params.subarray(0, 10) });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported', trap: 'unreachable' });
    if (out.kind === 'invalid') expect(out.message).toContain('Invalid input data');
  });

  it('a hostile result pointer is invalid (bad result), and the host stays healthy', async () => {
    const out = await host.validate({ code: hostileResultPvf(), params });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported', trap: 'bad-result' });
    expect((await host.validate({ code: adder, params })).kind).toBe('valid');
  });

  it('a memory bomb ends invalid inside the memory cap, and the host stays healthy', async () => {
    const out = await host.validate({ code: memoryBombPvf(), params });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported', trap: 'unreachable' });
    // The worker that ran it survives: the same code again runs on the same workers.
    const pids = host.workerPids;
    await host.validate({ code: memoryBombPvf(), params });
    expect(host.workerPids).toEqual(pids);
    expect((await host.validate({ code: adder, params })).kind).toBe('valid');
  });

  it('code that is not wasm is a deterministic preparation error', async () => {
    const out = await host.validate({ code: new Uint8Array([1, 2, 3, 4, 5]), params });
    expect(out).toMatchObject({ kind: 'preparation-error', deterministic: true });
  });

  it('refuses misuse with named errors', async () => {
    await expect(host.validate({ codeHash: '0x' + '11'.repeat(32), params })).rejects.toThrow(
      UnknownCodeError,
    );
  });

  it('1,000 mixed jobs over all workers: every outcome exact, exactly once', async () => {
    const bad = hostileResultPvf();
    const truncated = params.subarray(0, 10);
    type Case = {
      kind: 'valid' | 'truncated' | 'hostile' | 'call';
      run(): Promise<ValidationOutcome | CallOutcome>;
    };
    const cases: Case[] = Array.from({ length: 1000 }, (_, i) => {
      const k = (['valid', 'truncated', 'hostile', 'call'] as const)[i % 4]!;
      const kind = (['backing', 'approval', 'dispute'] as const)[i % 3]!;
      if (k === 'valid')
        return { kind: k, run: () => host.validate({ code: adder, params, kind }) };
      if (k === 'truncated')
        return { kind: k, run: () => host.validate({ code: adder, params: truncated, kind }) };
      if (k === 'hostile')
        return { kind: k, run: () => host.validate({ code: bad, params, kind }) };
      return {
        kind: k,
        run: () => host.call({ code: adder, fn: 'validate_block', input: params }),
      };
    });
    const cpuBefore = new Map(host.workerPids.map((pid) => [pid, cpuTicks(pid)]));
    const firstTicks = new Map(cpuBefore);
    const lastTicks = new Map<number, number>();
    const sample = () => {
      for (const pid of host.workerPids) {
        const t = cpuTicks(pid);
        if (t === 0) continue;
        if (!firstTicks.has(pid)) firstTicks.set(pid, t);
        lastTicks.set(pid, t);
      }
    };
    const sampler = setInterval(sample, 5);
    const settled = new Array<number>(cases.length).fill(0);
    const results = await Promise.all(
      cases.map((c, i) =>
        c.run().then((o) => {
          settled[i]!++;
          return o;
        }),
      ),
    );
    clearInterval(sampler);
    sample();
    expect(settled.every((n) => n === 1)).toBe(true);
    results.forEach((o, i) => {
      const c = cases[i]!;
      if (c.kind === 'valid')
        expect(o.kind === 'valid' && 'resultBytes' in o && hex(o.resultBytes)).toBe(
          vector.expectedResult,
        );
      if (c.kind === 'truncated') expect(o).toMatchObject({ kind: 'invalid', trap: 'unreachable' });
      if (c.kind === 'hostile') expect(o).toMatchObject({ kind: 'invalid', trap: 'bad-result' });
      if (c.kind === 'call')
        expect(o.kind === 'returned' && 'output' in o && hex(o.output)).toBe(vector.expectedResult);
    });
    // Every worker did part of the work (a worker retired on the way, when verdict isolation
    // moved it to another code, is replaced by one that starts from 0).
    for (let i = 0; i < 100 && host.workerPids.length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(host.workerPids).toHaveLength(2);
    // Two codes: at least two processes did part of the work.
    // (Under code isolation both first workers may have been replaced by now: count the CPU of
    // every worker seen while the jobs ran, from the first to the last time each was seen.)
    const worked = [...lastTicks].filter(([pid, t]) => t > firstTicks.get(pid)!);
    expect(worked.length).toBeGreaterThanOrEqual(2);
  });

  it('a full queue rejects with QueueFullError (backpressure) and loses nothing', async () => {
    const small = await newHost({ workers: 1, maxQueued: 4, pipelineDepth: 1 });
    try {
      const runs = Array.from({ length: 10 }, () => small.validate({ code: adder, params }));
      const settled = await Promise.allSettled(runs);
      const full = settled.filter((s) => s.status === 'rejected');
      expect(full.length).toBeGreaterThan(0);
      for (const s of full)
        expect((s as PromiseRejectedResult).reason).toBeInstanceOf(QueueFullError);
      for (const s of settled.filter((s) => s.status === 'fulfilled'))
        expect((s as PromiseFulfilledResult<ValidationOutcome>).value.kind).toBe('valid');
    } finally {
      await small.close();
    }
  });

  it('close() during load: every job settles once, as an outcome or HostClosedError', async () => {
    const h = await newHost();
    const runs = Array.from({ length: 300 }, () => h.validate({ code: adder, params }));
    const all = Promise.allSettled(runs);
    await runs[5];
    await h.close();
    const settled = await all;
    expect(settled).toHaveLength(300);
    let closed = 0;
    for (const s of settled) {
      if (s.status === 'fulfilled') expect(s.value.kind).toBe('valid');
      else {
        expect(s.reason).toBeInstanceOf(HostClosedError);
        closed++;
      }
    }
    expect(closed).toBeGreaterThan(0);
    await expect(h.validate({ code: adder, params })).rejects.toThrow(HostClosedError);
  });
});

describe.runIf(linux && HAVE_FIXTURES)('ValidationHost on Cumulus runtimes', () => {
  let host: ValidationHost;
  beforeAll(async () => {
    host = await newHost({ workers: 1 });
  });
  afterAll(() => host?.close());

  it.each(CUMULUS_RUNTIMES)(
    'calls Core_version of $file (compressed code)',
    async ({ file, specName }) => {
      const out = await host.call({ code: fixture(file), fn: 'Core_version' });
      expect(out.kind).toBe('returned');
      if (out.kind !== 'returned') return;
      // RuntimeVersion starts with spec_name: a SCALE string (compact length, UTF-8).
      const len = out.output[0]! >> 2;
      expect(Buffer.from(out.output.subarray(1, 1 + len)).toString()).toBe(specName);
    },
  );

  it('validate_block with made-up params is a clean invalid outcome with a panic message', async () => {
    const { validationParams } = await import('../../../runtime/codec/validation.js');
    const params = validationParams.enc({
      parentHead: new Uint8Array(8),
      blockData: new Uint8Array(16),
      relayParentNumber: 1,
      relayParentStorageRoot: new Uint8Array(32),
    });
    const out = await host.validate({
      code: fixture(CUMULUS_RUNTIMES[0].file),
      params,
      kind: 'approval',
    });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'worker-reported' });
    if (out.kind === 'invalid') expect(out.message.length).toBeGreaterThan(0);
  });
});

/** utime + stime of `pid`; 0 for a process already gone (a worker retired under isolation). */
function cpuTicks(pid: number): number {
  let s: string;
  try {
    s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
