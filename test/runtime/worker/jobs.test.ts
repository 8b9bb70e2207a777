// The worker's job runner keeps the code it ran or prepared for execution last for the
// instance it makes ahead of the next call (runtime/engine/standby.ts), but never past the
// module cache's bound: a code the cache evicts is dropped with it, so its compiled module and
// memories can be collected. The reference is read from the runner's private field: neither
// changes an outcome, only what stays alive and when an instance is made.
import { describe, expect, it } from 'vitest';
import { checkExecutorParams } from '../../../runtime/engine/types.js';
import { blake2_256 } from '../../../runtime/host/hash-functions.js';
import type { CodeRef } from '../../../runtime/protocol/messages.js';
import { Jobs } from '../../../runtime/worker/jobs.js';
import { wat } from '../../support/wat.js';

async function code(n: number): Promise<CodeRef> {
  const bytes = await wat(`(module (memory (export "memory") 1)
    (global (export "__heap_base") i32 (i32.const 1024))
    (func (export "f") (param i32 i32) (result i64) (i64.const ${n})))`);
  return { codeHash: blake2_256(bytes), params: checkExecutorParams({}), code: bytes };
}

const last = (jobs: Jobs) =>
  (jobs as unknown as { last?: { key: string; prepared: { standby?: () => void } } }).last;

describe('the last code a worker ran', () => {
  it('is dropped when the cache evicts it, and kept while the cache holds it', async () => {
    const [a, b] = [await code(1), await code(2)];
    for (const [entries, kept] of [
      [1, false],
      [2, true], // the control: no eviction
    ] as const) {
      const jobs = new Jobs(entries);
      expect(await jobs.call(a, 'f', new Uint8Array())).toMatchObject({ kind: 'returned' });
      expect(last(jobs)).toBeDefined();
      jobs.idle(); // the standby of `a`
      // A precheck does not make `b` the last code (see the case below); it only takes a slot.
      expect(await jobs.prepare(b, 'precheck')).toMatchObject({ kind: 'prepared' });
      expect(last(jobs) !== undefined).toBe(kept);
      jobs.idle(); // never throws, with or without a last code
      // Either way `a` still runs: from the cache, or prepared again from its code.
      expect(await jobs.call(a, 'f', new Uint8Array())).toMatchObject({ kind: 'returned' });
    }
  });

  it('is the code last prepared for execution; every prepared code is instantiated before the answer', async () => {
    const [a, b] = [await code(1), await code(2)];
    const jobs = new Jobs(2);
    // Instances counted where the engine makes them: a subclass, so each is a real instance.
    const Real = WebAssembly.Instance;
    let made = 0;
    WebAssembly.Instance = class extends Real {
      constructor(module: WebAssembly.Module, imports?: WebAssembly.Imports) {
        super(module, imports);
        made++;
      }
    };
    try {
      // A precheck (pre-checking at a code upgrade) makes the instance too, for an execution
      // that the host then sends straight here, but leaves no last code to renew it.
      expect(await jobs.prepare(a, 'precheck')).toMatchObject({ kind: 'prepared' });
      expect(last(jobs)).toBeUndefined();
      expect(made).toBe(1);
      // The control: the count follows instances, not requests. One is waiting already.
      expect(await jobs.prepare(a, 'precheck')).toMatchObject({ kind: 'prepared' });
      jobs.idle();
      expect(made).toBe(1);
      expect(await jobs.call(a, 'f', new Uint8Array())).toMatchObject({ kind: 'returned' });
      expect(made).toBe(1); // the call took it
      // Prepared for execution: its instance is made before the job answers, not left to the
      // wait for the next request, which the first validation would find it still making.
      expect(await jobs.prepare(b, 'compile')).toMatchObject({ kind: 'prepared' });
      expect(last(jobs)?.key).not.toBe(undefined);
      expect(made).toBe(2);
      jobs.idle(); // one is waiting already
      expect(made).toBe(2);
      expect(await jobs.call(b, 'f', new Uint8Array())).toMatchObject({ kind: 'returned' });
      expect(made).toBe(2); // the call took it
      jobs.idle();
      expect(made).toBe(3);
    } finally {
      WebAssembly.Instance = Real;
    }
  });
});
