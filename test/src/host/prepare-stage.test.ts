// The reference's prepare stages end to end: a sealed worker reports where the reference would
// refuse the code, and the host's preparation-error carries it with the reference's
// `is_deterministic` (prevalidation and preparation are; runtime construction is not).
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
});
