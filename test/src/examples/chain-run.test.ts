// A chain run end to end: our adder's blocks through the validation host and its sealed
// workers, every outcome exactly the producer's expectation (times are reported, not checked).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adderRunCandidates, meetsExpectation, runChain } from '../../../src/examples/chain-run.js';
import { INVALID_BLOCK_KINDS } from '../../../src/examples/candidate.js';
import type { ValidationOutcome } from '../../../src/host/outcome.js';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { exampleFromSource } from '../../support/example-pvfs.js';
import { testBundles } from '../../support/worker-bundle.js';

describe('adderRunCandidates', () => {
  it('spreads one block of each invalid kind through the chain', () => {
    const run = adderRunCandidates(70);
    expect(run).toHaveLength(70 + INVALID_BLOCK_KINDS.length);
    expect(run.filter((c) => c.expected.kind === 'valid').map((c) => c.label)).toEqual(
      Array.from({ length: 70 }, (_, i) => `#${i + 1}`),
    );
    expect(run.filter((c) => c.expected.kind === 'invalid').map((c) => c.label)).toEqual([
      '#11 state-mismatch',
      '#21 wrong-parent-head',
      '#31 malformed-parent-head',
      '#41 padded-parent-head',
      '#51 truncated-block-data',
      '#61 truncated-params',
    ]);
    expect(adderRunCandidates(1)).toHaveLength(1 + INVALID_BLOCK_KINDS.length);
  });
});

describe('meetsExpectation', () => {
  const timing = { durationMs: 1, attempts: 1 };
  const run = adderRunCandidates(7);
  const valid = run.find((c) => c.expected.kind === 'valid')!.expected;
  const invalid = run.find((c) => c.expected.kind === 'invalid')!.expected;
  if (valid.kind !== 'valid' || invalid.kind !== 'invalid') throw new Error('no such candidates');
  const ok = {
    kind: 'valid',
    result: {} as never,
    resultBytes: valid.result,
    logs: [],
    ...timing,
  } as ValidationOutcome;
  const panicked = (message: string, trap = 'unreachable') =>
    ({
      kind: 'invalid',
      reason: 'worker-reported',
      trap,
      message,
      logs: [],
      ...timing,
    }) as ValidationOutcome;

  it('accepts exactly the expected bytes and the expected panic', () => {
    expect(meetsExpectation(valid, ok)).toBe(true);
    const message = `panicked at '${invalid.panic}', somewhere.rs:1:2`;
    expect(meetsExpectation(invalid, panicked(message))).toBe(true);
  });

  it('refuses other bytes, another panic, another trap and another kind', () => {
    const other = { ...ok, resultBytes: valid.result.slice(0, -1) } as ValidationOutcome;
    expect(meetsExpectation(valid, other)).toBe(false);
    expect(meetsExpectation(invalid, panicked("panicked at 'other', x.rs:1:2"))).toBe(false);
    const message = `panicked at '${invalid.panic}', somewhere.rs:1:2`;
    expect(meetsExpectation(invalid, panicked(message, 'trap'))).toBe(false);
    expect(meetsExpectation(valid, panicked(message))).toBe(false);
    expect(meetsExpectation(invalid, ok)).toBe(false);
  });
});

describe.runIf(process.platform === 'linux')('runChain through sealed workers', () => {
  let host: ValidationHost;
  beforeAll(async () => {
    const b = await testBundles();
    host = await ValidationHost.create({
      workers: 2,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
    });
  });
  afterAll(() => host?.close());

  it('validates 60 blocks and rejects the 6 deliberate ones, all as expected', async () => {
    const candidates = adderRunCandidates(60);
    let progress = 0;
    const report = await runChain(host, await exampleFromSource('adder'), candidates, {
      inFlight: 8,
      onProgress: (done) => (progress = Math.max(progress, done)),
    });
    expect(report.mismatches).toEqual([]);
    expect(report).toMatchObject({ candidates: 66, valid: 60, rejectedAsExpected: 6 });
    expect(progress).toBe(66);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50);
  });

  it('reports a block whose expectation is wrong as a mismatch (negative control)', async () => {
    const [first, second] = adderRunCandidates(2).filter((c) => c.expected.kind === 'valid');
    const swapped = [{ ...first!, expected: second!.expected }];
    const report = await runChain(host, await exampleFromSource('adder'), swapped, { inFlight: 1 });
    expect(report.valid).toBe(0);
    expect(report.mismatches).toEqual([
      { label: '#1', expected: 'valid', got: 'valid (different result bytes)' },
    ]);
  });
});
