// The embedding example runs as documented: backing and approval requests end in the expected
// decisions, the heavy block hits its backing timeout, /metrics answers over loopback HTTP with
// counts matching the workload, and everything shuts down.
import { describe, expect, it } from 'vitest';
import { decide, runDemo } from '../../examples/embed-validator.js';
import type { ValidationOutcome } from '../../src/index.js';
import { exampleFromSource } from '../support/example-pvfs.js';
import { testBundles } from '../support/worker-bundle.js';

describe('decide', () => {
  const t = { durationMs: 1, attempts: 1 };
  const cases: [ValidationOutcome, string][] = [
    [
      { kind: 'valid', result: {} as never, resultBytes: new Uint8Array(), logs: [], ...t },
      'vote-valid',
    ],
    [
      { kind: 'invalid', reason: 'hard-timeout', trap: undefined, message: '', logs: [], ...t },
      'vote-invalid',
    ],
    [
      { kind: 'possibly-invalid', reason: 'ambiguous-worker-death', message: '', ...t },
      'vote-invalid',
    ],
    [
      { kind: 'preparation-error', reason: 'preparation', deterministic: true, message: '', ...t },
      'vote-invalid',
    ],
    [
      { kind: 'preparation-error', reason: 'timed-out', deterministic: false, message: '', ...t },
      'abstain',
    ],
    [{ kind: 'internal-error', message: '', ...t }, 'abstain'],
  ];
  it.each(cases)('%o -> %s', (outcome, decision) => {
    expect(decide(outcome)).toBe(decision);
  });
});

describe.runIf(process.platform === 'linux')('runDemo', () => {
  it('decides every request and serves matching metrics on loopback', async () => {
    const b = await testBundles();
    const lines: string[] = [];
    const report = await runDemo({
      blocks: 4,
      port: 0,
      host: { workers: 2, workerScript: b.worker, sandbox: { launcher: b.launcher } },
      adder: await exampleFromSource('adder'),
      undying: await exampleFromSource('undying'),
      log: (line) => lines.push(line),
    });
    const summary = report.decisions.map((d) => `${d.label} ${d.kind} ${d.outcome} ${d.decision}`);
    for (const kind of ['backing', 'approval']) {
      for (const n of [1, 2, 3, 4]) expect(summary).toContain(`#${n} ${kind} valid vote-valid`);
      expect(summary).toContain(`#5 state-mismatch ${kind} invalid vote-invalid`);
    }
    expect(summary).toContain('undying #1 backing invalid vote-invalid');
    expect(summary).toHaveLength(11);
    expect(lines.some((l) => /^undying #1 backing: invalid \(execution exceeded/.test(l))).toBe(
      true,
    );
    expect(report.metricsText).toMatch(/^polkadot_pvf_execute_finished 11$/m);
    // Timed jobs include the one that ran out of time, as in the reference.
    expect(report.metricsText).toMatch(/^polkadot_pvf_execution_time_count 11$/m);
    expect(report.metricsText).toMatch(
      /^polkadot_pvf_exec_kind_selected\{priority="approval"\} 5$/m,
    );
    // The worker that ran past the budget was killed (and is being replaced); under verdict
    // isolation a worker that served the adder may also have been retired to serve undying.
    expect(report.metricsText).toMatch(/^polkadot_pvf_worker_retired\{flavor="execute"\} [12]$/m);
    expect(lines[0]).toMatch(/^metrics: http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  });
});
