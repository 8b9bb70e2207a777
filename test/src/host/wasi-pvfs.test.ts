// WASI PVFs through real sealed workers: the worker picks the host by ABI, transpiles a
// component inside the sandbox (reading jco's bindgen from beside its bundle), refuses
// networking imports at prepare, and a spinning WASI PVF is stopped by the CPU-time timeout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import { hex } from '../../support/fixtures.js';
import { componentFromWat, wasiExample, wat } from '../../support/wasi-pvfs.js';
import { testBundles } from '../../support/worker-bundle.js';
import { reportedCpuMs } from '../../support/timeouts.js';

const linux = process.platform === 'linux';

describe.runIf(linux)('WASI PVFs in sealed workers', () => {
  let host: ValidationHost;
  beforeAll(async () => {
    const b = await testBundles();
    host = await ValidationHost.create({
      workers: 1,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
    });
  });
  afterAll(() => host?.close());

  it('bundles no WASI shim with real capabilities into the worker', async () => {
    // The bindgen runs on the project's own capability-free WASI map; preview2-shim (real
    // stdio, filesystem, sockets) must not even be in the bundle.
    // esbuild heads each bundled module with its path. worker.js runs its loop (and so every
    // dependency) from worker-thread.js, beside it.
    const { dir } = await testBundles();
    const worker = ['worker.js', 'worker-thread.js']
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    expect(worker).not.toMatch(/^\/\/ node_modules\/@bytecodealliance\//m);
    expect(worker).toMatch(/^\/\/ node_modules\/@noble\/hashes\//m); // negative control
  });

  it('validates a chain of adder blocks under both WASI ABIs, byte-identical to the expected results', async () => {
    const p1 = await wasiExample('wasi-p1-adder');
    const component = await wasiExample('component-adder');
    const chain = new AdderChain();
    for (let i = 0; i < 5; i++) {
      const c = chain.next();
      const want = c.expected.kind === 'valid' ? hex(c.expected.result) : 'unexpected';
      for (const code of [p1, component]) {
        const out = await host.validate({ code, params: c.params });
        expect(out.kind === 'valid' && hex(out.resultBytes)).toBe(want);
      }
    }
    const mismatch = chain.invalid('state-mismatch');
    expect(await host.validate({ code: component, params: mismatch.params })).toMatchObject({
      kind: 'invalid',
      reason: 'worker-reported',
      message: 'Executes block: StateMismatch',
    });
    expect(await host.validate({ code: p1, params: mismatch.params })).toMatchObject({
      kind: 'invalid',
      reason: 'worker-reported',
      message: expect.stringContaining("'Executes block: StateMismatch'"),
    });
  });

  it('refuses networking PVFs at prepare, naming the imports', async () => {
    const params = new AdderChain().next().params;
    for (const name of ['wasi-sockets-p1', 'wasi-sockets-tcp', 'wasi-sockets-http'] as const) {
      const out = await host.validate({ code: await wasiExample(name), params });
      expect(out, name).toMatchObject({
        kind: 'preparation-error',
        deterministic: true,
        message: expect.stringMatching(/^imports wasi.*: PVFs may not use the network$/),
      });
    }
  });

  it('stops a spinning wasi-p1 PVF and a spinning component at the CPU-time limit', async () => {
    const spinP1 = await wat(`(module
      (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
      (memory (export "memory") 1)
      (func (export "pvf_alloc") (param i32) (result i32) (i32.const 0))
      (func (export "validate_block") (param i32 i32) (result i64)
        (loop $spin (drop (call $yield)) (br $spin)) (i64.const 0)))`);
    const spinComponent = await componentFromWat(
      `(module (memory (export "memory") 1)
        (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
        (func (export "validate-block") (param i32 i32) (result i32) (loop $spin (br $spin)) (i32.const 0)))`,
      'pvf:runtime/pvf',
    );
    for (const code of [spinP1, spinComponent]) {
      const out = await host.validate({ code, params: new Uint8Array([1]), timeoutMs: 300 });
      expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
      expect(reportedCpuMs(out)).toBeGreaterThanOrEqual(300);
      // Loose: the second run also waits for the replacement of the worker the first one cost.
      expect(out.durationMs).toBeLessThan(10_000);
    }
    // The pool recovers: the next job on a fresh worker succeeds.
    const c = new AdderChain().next();
    const next = await host.validate({
      code: await wasiExample('component-adder'),
      params: c.params,
    });
    expect(next.kind).toBe('valid');
  });
});
