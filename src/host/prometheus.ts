// Host metrics in Prometheus text format through prom-client, with the names, help texts and
// buckets of polkadot-sdk's PVF host (polkadot/node/core/pvf/src/metrics.rs), so dashboards and
// alerts written for a Polkadot validator read them unchanged. Differences, each forced by the
// design: one kind of worker both compiles and executes, so worker counters carry
// `flavor="execute"` only; the reference's memory-statistics histograms of preparation have no
// counterpart.
import { Counter, Histogram, Registry } from 'prom-client';
import type { HostMetrics } from './metrics.js';

/** `polkadot_pvf_preparation_time` buckets, in s (synchronised with the prepare timeouts). */
const PREPARATION_BUCKETS = [0.1, 0.5, 1, 2, 3, 10, 20, 30, 60, 120, 240, 360, 480];
/** `polkadot_pvf_execution_time` buckets, in s (synchronised with the execute timeouts). */
const EXECUTION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12];
/** `polkadot_pvf_execution_queued_time` buckets, in s. */
const QUEUED_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 12, 24, 48];

export interface PrometheusHostMetrics {
  /** Pass as the `metrics` option of `ValidationHost.create`. */
  readonly metrics: HostMetrics;
  /** Serve `await registry.metrics()` with `registry.contentType`. */
  readonly registry: Registry;
}

/** Registers the host's metrics in `registry` (a new one by default). */
export function prometheusHostMetrics(registry: Registry = new Registry()): PrometheusHostMetrics {
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, buckets, registers });

  const spawning = counter(
    'polkadot_pvf_worker_spawning',
    'The total number of workers began to spawn',
    ['flavor'],
  );
  const spawned = counter(
    'polkadot_pvf_worker_spawned',
    'The total number of workers spawned successfully',
    ['flavor'],
  );
  const retired = counter(
    'polkadot_pvf_worker_retired',
    'The total number of workers retired, either killed by the host or died on duty',
    ['flavor'],
  );
  const prepareEnqueued = counter(
    'polkadot_pvf_prepare_enqueued',
    'The total number of jobs enqueued into the preparation pipeline',
  );
  const prepareConcluded = counter(
    'polkadot_pvf_prepare_concluded',
    'The total number of jobs concluded in the preparation pipeline',
  );
  const executeEnqueued = counter(
    'polkadot_pvf_execute_enqueued',
    'The total number of jobs enqueued into the execution pipeline',
  );
  const executeFinished = counter(
    'polkadot_pvf_execute_finished',
    'The total number of jobs done in the execution pipeline',
  );
  const execKind = counter(
    'polkadot_pvf_exec_kind_selected',
    'The total number of selected execute kinds',
    ['priority'],
  );
  const preparationTime = histogram(
    'polkadot_pvf_preparation_time',
    'Time spent in preparing PVF artifacts in seconds',
    PREPARATION_BUCKETS,
  );
  const executionTime = histogram(
    'polkadot_pvf_execution_time',
    'Time spent in executing PVFs',
    EXECUTION_BUCKETS,
  );
  const queuedTime = histogram(
    'polkadot_pvf_execution_queued_time',
    'Time spent in queue waiting for PVFs execution job to be assigned',
    QUEUED_BUCKETS,
  );
  const flavor = { flavor: 'execute' };

  const metrics: HostMetrics = {
    workerSpawning: () => spawning.inc(flavor),
    workerSpawned: () => spawned.inc(flavor),
    workerRetired: () => retired.inc(flavor),
    prepareEnqueued: () => prepareEnqueued.inc(),
    prepareConcluded: (seconds) => {
      prepareConcluded.inc();
      if (seconds !== undefined) preparationTime.observe(seconds);
    },
    executeEnqueued: (priority) => {
      executeEnqueued.inc();
      execKind.inc({ priority });
    },
    executeDequeued: (seconds) => queuedTime.observe(seconds),
    executeFinished: (seconds) => {
      executeFinished.inc();
      if (seconds !== undefined) executionTime.observe(seconds);
    },
  };
  return { metrics, registry };
}
