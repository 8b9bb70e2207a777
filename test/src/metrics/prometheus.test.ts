// Host metrics in Prometheus text format: the reference's names and buckets, and counts that
// match what a run through real sealed workers did (sizes, preparation memory, outcomes,
// worker exits by cause, queue depth and worker processes included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import { HostOptionError } from '../../../src/host/errors.js';
import { NO_METRICS } from '../../../src/host/metrics.js';
import { resolveHostOptions } from '../../../src/host/options.js';
import { prometheusHostMetrics } from '../../../src/metrics/prometheus.js';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { exampleFromSource } from '../../support/example-pvfs.js';
import { infiniteLoopPvf } from '../../support/hostile-pvfs.js';
import { testBundles } from '../../support/worker-bundle.js';

/** The value of one sample line, e.g. `polkadot_pvf_worker_spawned{flavor="execute"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('prometheusHostMetrics', () => {
  it('exposes the reference metrics with their buckets', async () => {
    const { metrics, registry } = prometheusHostMetrics();
    metrics.workerSpawning();
    metrics.executeEnqueued('approval');
    // Counted at scheduling, as the reference's queue selects a kind, not at enqueueing.
    expect(
      sample(await registry.metrics(), 'polkadot_pvf_exec_kind_selected{priority="approval"}'),
    ).toBe(undefined);
    metrics.executeDequeued(0.003, 'approval');
    metrics.povSize(100_000, true);
    metrics.prepared(20_000, 60_000);
    metrics.executeFinished(0.2);
    metrics.executeFinished(undefined);
    metrics.prepareConcluded(0.7);
    const text = await registry.metrics();
    expect(sample(text, 'polkadot_pvf_worker_spawning{flavor="execute"}')).toBe(1);
    expect(sample(text, 'polkadot_pvf_exec_kind_selected{priority="approval"}')).toBe(1);
    expect(sample(text, 'polkadot_pvf_execute_finished')).toBe(2);
    expect(sample(text, 'polkadot_pvf_execution_time_count')).toBe(1);
    expect(sample(text, 'polkadot_pvf_execution_time_bucket{le="0.25"}')).toBe(1);
    expect(sample(text, 'polkadot_pvf_execution_time_bucket{le="0.1"}')).toBe(0);
    expect(sample(text, 'polkadot_pvf_execution_queued_time_bucket{le="0.01"}')).toBe(1);
    expect(sample(text, 'polkadot_pvf_preparation_time_bucket{le="1"}')).toBe(1);
    expect(
      sample(
        text,
        'polkadot_parachain_candidate_validation_pov_size_bucket{le="131072",compressed="true"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'polkadot_parachain_candidate_validation_pov_size_bucket{le="65536",compressed="true"}',
      ),
    ).toBe(0);
    expect(
      sample(text, 'polkadot_parachain_candidate_validation_code_size_bucket{le="32768"}'),
    ).toBe(1);
    expect(sample(text, 'polkadot_pvf_preparation_max_rss_bucket{le="65536"}')).toBe(1);
    expect(sample(text, 'polkadot_pvf_preparation_max_rss_bucket{le="32768"}')).toBe(0);
    for (const le of ['480', '12', '48'])
      expect(text).toMatch(new RegExp(`_bucket\\{le="${le}"\\}`));
    expect(registry.contentType).toMatch(/^text\/plain/);
  });

  it('registers in a given registry, once', () => {
    const registry = new Registry();
    prometheusHostMetrics(registry);
    expect(registry.getSingleMetric('polkadot_pvf_execute_enqueued')).toBeDefined();
    expect(() => prometheusHostMetrics(registry)).toThrow(/already been registered/);
  });

  it('process metrics of the host only when asked', async () => {
    expect(await prometheusHostMetrics().registry.metrics()).not.toMatch(/process_cpu/);
    const { registry } = prometheusHostMetrics(new Registry(), { processMetrics: true });
    expect(await registry.metrics()).toMatch(/^process_cpu_seconds_total /m);
  });

  it('is an option the host checks', () => {
    expect(resolveHostOptions({}).metrics).toBe(NO_METRICS);
    const { executeFinished: _, ...partial } = NO_METRICS;
    expect(() => resolveHostOptions({ metrics: partial as never })).toThrow(HostOptionError);
  });
});

describe.runIf(process.platform === 'linux')('host metrics of a run', () => {
  const { metrics, registry } = prometheusHostMetrics();
  let host: ValidationHost;
  beforeAll(async () => {
    const b = await testBundles();
    host = await ValidationHost.create({
      workers: 2,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
      metrics,
    });
  });
  afterAll(() => host?.close());

  it('reads queue depth and the worker processes at scrape time', async () => {
    const text = await registry.metrics();
    expect(sample(text, 'pvf_runtime_queue_depth{queue="execute"}')).toBe(0);
    for (const w of ['0', '1']) {
      expect(sample(text, `pvf_runtime_worker_resident_bytes{worker="${w}"}`)).toBeGreaterThan(
        10 * 2 ** 20,
      );
      expect(sample(text, `pvf_runtime_worker_cpu_seconds{worker="${w}"}`)).toBeGreaterThan(0);
    }
  });

  it('counts workers, preparations and executions as they happened', async () => {
    const prepared = await host.prepare(await exampleFromSource('adder'));
    if (prepared.kind !== 'prepared') throw new Error(prepared.message);
    const chain = new AdderChain();
    const candidates = [
      ...Array.from({ length: 10 }, () => chain.next()),
      chain.invalid('state-mismatch'),
    ];
    const outcomes = await Promise.all(
      candidates.map((c, i) =>
        host.validate({
          codeHash: prepared.codeHash,
          params: c.params,
          kind: i < 4 ? 'approval' : 'backing',
        }),
      ),
    );
    expect(outcomes.map((o) => o.kind)).toEqual([...Array(10).fill('valid'), 'invalid']);
    let text = await registry.metrics();
    expect(sample(text, 'polkadot_pvf_worker_spawning{flavor="execute"}')).toBe(2);
    expect(sample(text, 'polkadot_pvf_worker_spawned{flavor="execute"}')).toBe(2);
    expect(sample(text, 'polkadot_pvf_execute_enqueued')).toBe(11);
    expect(sample(text, 'polkadot_pvf_execute_finished')).toBe(11);
    expect(sample(text, 'polkadot_pvf_exec_kind_selected{priority="approval"}')).toBe(4);
    expect(sample(text, 'polkadot_pvf_exec_kind_selected{priority="backing"}')).toBe(7);
    expect(sample(text, 'polkadot_pvf_execution_time_count')).toBe(11);
    expect(sample(text, 'polkadot_pvf_execution_queued_time_count')).toBe(11);
    // The precheck, plus one compile on each worker that ran a block (1 or 2).
    const prepares = sample(text, 'polkadot_pvf_prepare_enqueued')!;
    expect(prepares).toBeGreaterThanOrEqual(2);
    expect(prepares).toBeLessThanOrEqual(3);
    expect(sample(text, 'polkadot_pvf_prepare_concluded')).toBe(prepares);
    expect(sample(text, 'polkadot_pvf_preparation_time_count')).toBe(prepares);
    expect(sample(text, 'polkadot_parachain_candidate_validation_code_size_count')).toBe(prepares);
    // Each preparation's worker peak: a sealed Node worker is tens of MiB at least.
    expect(sample(text, 'polkadot_pvf_preparation_max_rss_count')).toBe(prepares);
    expect(sample(text, 'polkadot_pvf_preparation_max_rss_bucket{le="16384"}')).toBe(0);
    expect(
      sample(text, 'pvf_runtime_outcomes_total{request="prepare",kind="prepared",reason=""}'),
    ).toBe(1);
    expect(
      sample(text, 'pvf_runtime_outcomes_total{request="validate",kind="valid",reason=""}'),
    ).toBe(10);
    expect(
      sample(
        text,
        'pvf_runtime_outcomes_total{request="validate",kind="invalid",reason="worker-reported"}',
      ),
    ).toBe(1);

    await host.close();
    text = await registry.metrics();
    expect(sample(text, 'polkadot_pvf_worker_retired{flavor="execute"}')).toBe(2);
    expect(sample(text, 'pvf_runtime_worker_exits_total{cause="stopped"}')).toBe(2);
    // Closed: no workers left to read.
    expect(text).not.toMatch(/^pvf_runtime_worker_resident_bytes\{/m);
  });
});

describe.runIf(process.platform === 'linux')('host metrics of a kill', () => {
  it('a timeout kill counts as an exit by timeout, and its outcome by kind and reason', async () => {
    const { metrics, registry } = prometheusHostMetrics();
    const b = await testBundles();
    const host = await ValidationHost.create({
      workers: 1,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
      logger: {},
      metrics,
    });
    try {
      const out = await host.validate({
        code: infiniteLoopPvf(),
        params: new AdderChain().next().params,
        timeoutMs: 300,
      });
      expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
      const text = await registry.metrics();
      expect(sample(text, 'pvf_runtime_worker_exits_total{cause="timeout"}')).toBe(1);
      expect(
        sample(
          text,
          'pvf_runtime_outcomes_total{request="validate",kind="invalid",reason="hard-timeout"}',
        ),
      ).toBe(1);
      expect(sample(text, 'polkadot_pvf_worker_retired{flavor="execute"}')).toBe(1);
    } finally {
      await host.close();
    }
  });
});
