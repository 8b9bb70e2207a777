// The deterministic stack limit end to end, through real sealed worker processes: guest code
// runs on the worker's guest-stack thread (runtime/worker.ts), so recursion at the deepest depth
// `StackLogicalMax` allows is valid and one level deeper is the logical check's `unreachable`
// trap — at the default, the smallest and the largest accepted limit, and with the worst native
// stack per logical unit known. Negative controls: the same call in a sealed worker whose loop
// runs on its main thread, and in this test process's main thread, ends in V8's own stack
// overflow first (reported as an internal error, never as invalid).
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepare, validateBlock } from '../../../runtime/engine/index.js';
import type { ValidationOutcome } from '../../../src/host/outcome.js';
import { HostOptionError } from '../../../src/host/errors.js';
import { ValidationHost } from '../../../src/host/validation-host.js';
import {
  RECURSIVE_PVF_RESULT,
  type RecursionShape,
  type RecursivePvf,
  recursivePvf,
} from '../../support/recursive-pvf.js';
import { testBundles, testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';

async function newHost(stackLogicalMax: number): Promise<ValidationHost> {
  const b = await testBundles();
  return ValidationHost.create({
    workers: 1,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
    executorParams: { stackLogicalMax },
    logger: { warn: () => {} },
  });
}

const trapped = (out: ValidationOutcome) =>
  out.kind === 'invalid' ? `invalid:${out.reason}:${out.trap}:${out.message}` : out.kind;

describe.runIf(linux)('deterministic stack limit through sealed workers', () => {
  let pvf: RecursivePvf;
  const hosts = new Map<number, ValidationHost>();
  beforeAll(async () => {
    pvf = await recursivePvf();
    for (const max of [1024, 65536, 131072]) hosts.set(max, await newHost(max));
  });
  afterAll(async () => {
    for (const h of hosts.values()) await h.close();
  });

  async function depthPair(max: number, shape: RecursionShape) {
    const n = pvf.deepest(shape, max);
    const host = hosts.get(max)!;
    const ok = await host.validate({ code: pvf.code, params: pvf.params(shape, n) });
    const over = await host.validate({ code: pvf.code, params: pvf.params(shape, n + 1) });
    return { n, ok, over };
  }

  it.each([
    [65536, 'rec'],
    [65536, 'ind'],
    [131072, 'rec'],
    [131072, 'ind'],
  ] as const)(
    'limit %i, %s: valid at the deepest depth, unreachable one deeper',
    async (max, shape) => {
      const { ok, over } = await depthPair(max, shape);
      expect(ok.kind).toBe('valid');
      if (ok.kind === 'valid') expect(ok.resultBytes).toEqual(RECURSIVE_PVF_RESULT);
      expect(trapped(over)).toBe('invalid:worker-reported:unreachable:wasm trap: unreachable');
    },
  );

  it.each(['rec', 'ind'] as const)(
    'limit 1024, %s: the same outcomes as the engine in-process',
    async (shape) => {
      const { n, ok, over } = await depthPair(1024, shape);
      const p = prepare(pvf.code, { stackLogicalMax: 1024 });
      if (p.kind !== 'prepared') throw new Error(p.message);
      const here = [n, n + 1].map((d) => validateBlock(p.prepared, pvf.params(shape, d)));
      expect(here.map((o) => o.kind)).toEqual(['valid', 'invalid']);
      expect(ok.kind === 'valid' && here[0]!.kind === 'valid' && ok.resultBytes).toEqual(
        here[0]!.kind === 'valid' && here[0]!.result,
      );
      expect(over).toMatchObject({
        kind: 'invalid',
        trap: here[1]!.kind === 'invalid' && here[1]!.reason,
        message: here[1]!.kind === 'invalid' && here[1]!.message,
      });
    },
  );

  it('refuses a StackLogicalMax outside the reference range, naming the option', async () => {
    await expect(newHost(131073)).rejects.toThrow(
      new HostOptionError(
        "option 'executorParams': stackLogicalMax must be an integer in [1024, 131072], got 131073",
      ),
    );
  });

  it('runs the loop on a second thread, and every thread is sealed (checked from /proc)', () => {
    const [pid] = hosts.get(65536)!.workerPids;
    const tasks = readdirSync(`/proc/${pid}/task`);
    // The main thread, the loop thread, and V8's and libuv's helpers.
    expect(tasks.length).toBeGreaterThan(2);
    for (const tid of tasks) {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      expect(status).toMatch(/^Seccomp:\s+2$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    }
  });

  it('negative control: a sealed worker running its loop on the main thread overflows first', async () => {
    // The worker as it would be without the guest thread: the same loop, on the main thread.
    const b = await testBundles();
    const script = await testScript(
      'main-thread-worker.js',
      "import { runWorker } from './runtime/worker/loop.js';\nawait runWorker();\n",
    );
    const unsized = await ValidationHost.create({
      workers: 1,
      workerScript: script,
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
    });
    try {
      const params = pvf.params('ind', pvf.deepest('ind', 65536));
      const out = await unsized.validate({ code: pvf.code, params });
      expect(out).toMatchObject({
        kind: 'internal-error',
        message: expect.stringMatching(/^native stack exhausted/),
      });
      expect((await hosts.get(65536)!.validate({ code: pvf.code, params })).kind).toBe('valid');
    } finally {
      await unsized.close();
    }
  });

  it('negative control: on an unsized main thread V8 overflows first (an internal error)', async () => {
    const n = pvf.deepest('ind', 65536);
    const p = prepare(pvf.code);
    if (p.kind !== 'prepared') throw new Error(p.message);
    expect(validateBlock(p.prepared, pvf.params('ind', n)).kind).toBe('internal-error');
    // ...while the sealed worker, on its guest thread, validates the very same call.
    const there = await hosts
      .get(65536)!
      .validate({ code: pvf.code, params: pvf.params('ind', n) });
    expect(there.kind).toBe('valid');
  });
});
