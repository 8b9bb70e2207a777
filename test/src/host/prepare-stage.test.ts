// The reference's prepare stages end to end: a sealed worker reports where the reference would
// refuse the code, and the host's preparation-error carries it with the reference's
// `is_deterministic` (prevalidation and preparation are; runtime construction is not). What
// only instantiating meets passes precheck, as in the reference (whose
// `runtime_construction_check` never instantiates), and each execution votes invalid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { testBundles } from '../../support/worker-bundle.js';
import { wat } from '../../support/wat.js';

const HEAD = `(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))`;

describe.runIf(process.platform === 'linux')('prepare stages through a sealed worker', () => {
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

  it.each([
    ['prevalidation', true, `(module ${HEAD} (func (drop (i32.extend8_s (i32.const 1)))))`],
    [
      'preparation',
      true,
      `(module ${HEAD} (func $three (param i32 i32 i32)) (func unreachable call $three))`,
    ],
    ['runtime-construction', false, `(module (import "other" "f" (func)) ${HEAD})`],
  ] as const)('%s (deterministic: %s)', async (reason, deterministic, text) => {
    const out = await host.prepare(await wat(text));
    expect(out).toMatchObject({ kind: 'preparation-error', reason, deterministic });
  });

  it.each([
    [
      'a memory exported under another name',
      `(module (memory (export "mem") 1) (global (export "__heap_base") i32 (i32.const 0))
        (func (export "validate_block") (param i32 i32) (result i64) i64.const 0))`,
    ],
    ['a start function that traps', `(module ${HEAD} (func $s unreachable) (start $s))`],
    ['a data segment out of bounds', `(module ${HEAD} (data (i32.const 65535) "ab"))`],
  ])('precheck passes %s and execution is invalid', async (_what, text) => {
    const code = await wat(text);
    const pre = await host.prepare(code);
    expect(pre.kind).toBe('prepared');
    const run = await host.validate({ code, params: new Uint8Array(0), kind: 'approval' });
    expect(run).toMatchObject({ kind: 'invalid', reason: 'worker-reported', attempts: 1 });
  });
});
