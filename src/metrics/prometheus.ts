// Host metrics in Prometheus text format through prom-client, with the names, help texts and
// buckets of polkadot-sdk's PVF host (polkadot/node/core/pvf/src/metrics.rs), so dashboards and
// alerts written for a Polkadot validator read them unchanged, plus `pvf_runtime_*` series of
// ours (outcomes, worker exits by cause, queue depth, worker processes). Differences, each
// forced by the design: one kind of worker both compiles and executes, so worker counters carry
// `flavor="execute"` only; of the reference's preparation memory histograms only `max_rss` has
// a counterpart (its allocator-tracking ones need jemalloc); the PoV size is observed as given
// (the decompressed size is known only inside the worker).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HostMetrics, HostView } from '../host/metrics.js';
import { ProcStat } from '../host/proc-stat.js';

/** `polkadot_pvf_preparation_time` buckets, in s (synchronised with the prepare timeouts). */
const PREPARATION_BUCKETS = [0.1, 0.5, 1, 2, 3, 10, 20, 30, 60, 120, 240, 360, 480];
/** `polkadot_pvf_execution_time` buckets, in s (synchronised with the execute timeouts). */
const EXECUTION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12];
/** `polkadot_pvf_execution_queued_time` buckets, in s. */
const QUEUED_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 6, 12, 24, 48];
/** `exponential_buckets(start, 2.0, 10)`, as the reference builds its size buckets. */
const exponential = (start: number) => Array.from({ length: 10 }, (_, i) => start * 2 ** i);
/** `polkadot_pvf_preparation_max_rss` buckets, in KiB: 8 MiB … 4 GiB. */
const MAX_RSS_BUCKETS = exponential(8192);
/** PoV and code size buckets, in bytes: 16 KiB … 8 MiB. */
const SIZE_BUCKETS = exponential(16384);

/** A worker's resident memory and CPU time, read once from /proc at scrape time. */
function workerProcessStats(pid: number): { rssBytes: number; cpuSeconds: number } | undefined {
  let p: ProcStat;
  try {
    p = new ProcStat(pid);
  } catch {
    return undefined;
  }
  try {
    const rssBytes = p.rssBytes();
    const cpuMs = p.cpuMillis();
    return rssBytes === undefined || cpuMs === undefined
      ? undefined
      : { rssBytes, cpuSeconds: cpuMs / 1000 };
  } finally {
    p.close();
  }
}

export interface PrometheusOptions {
  /**
   * Also register prom-client's default metrics of the host process (CPU, memory, event loop
   * lag, …; `collectDefaultMetrics`). Default false: an application often registers them
   * itself, and twice is an error.
   */
  readonly processMetrics?: boolean;
}

export interface PrometheusHostMetrics {
  /** Pass as the `metrics` option of `ValidationHost.create`. */
  readonly metrics: HostMetrics;
  /** Serve `await registry.metrics()` with `registry.contentType`. */
  readonly registry: Registry;
}

/** Registers the host's metrics in `registry` (a new one by default). */
export function prometheusHostMetrics(
  registry: Registry = new Registry(),
  options: PrometheusOptions = {},
): PrometheusHostMetrics {
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[], labelNames: string[] = []) =>
    new Histogram({ name, help, buckets, labelNames, registers });
  let view: HostView | undefined;

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
  const maxRss = histogram(
    'polkadot_pvf_preparation_max_rss',
    'ru_maxrss (maximum resident set size) observed for preparation (in kilobytes)',
    MAX_RSS_BUCKETS,
  );
  const povSize = histogram(
    'polkadot_parachain_candidate_validation_pov_size',
    'The compressed and decompressed size of the proof of validity of a candidate',
    SIZE_BUCKETS,
    ['compressed'],
  );
  const codeSize = histogram(
    'polkadot_parachain_candidate_validation_code_size',
    'The size of the decompressed WASM validation blob used for checking a candidate',
    SIZE_BUCKETS,
  );
  const outcomes = counter(
    'pvf_runtime_outcomes_total',
    'Outcomes of the public requests, by request, outcome kind and reason',
    ['request', 'kind', 'reason'],
  );
  const exits = counter(
    'pvf_runtime_worker_exits_total',
    'Started workers whose process ended, by cause (died, timeout, memory-limit, protocol, retired, stopped)',
    ['cause'],
  );
  new Gauge({
    name: 'pvf_runtime_queue_depth',
    help: 'Jobs waiting for a worker, by queue (execute: executions and calls; precheck)',
    labelNames: ['queue'],
    registers,
    collect() {
      const q = view?.queued() ?? { execute: 0, precheck: 0 };
      this.set({ queue: 'execute' }, q.execute);
      this.set({ queue: 'precheck' }, q.precheck);
    },
  });
  const workerGauge = (name: string, help: string, pick: 'rssBytes' | 'cpuSeconds') =>
    new Gauge({
      name,
      help,
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const w of view?.workers() ?? []) {
          const s = workerProcessStats(w.pid);
          if (s !== undefined) this.set({ worker: String(w.worker) }, s[pick]);
        }
      },
    });
  workerGauge(
    'pvf_runtime_worker_resident_bytes',
    'Resident memory of each live worker process (by pool slot), read from /proc at scrape',
    'rssBytes',
  );
  workerGauge(
    'pvf_runtime_worker_cpu_seconds',
    'CPU time used by each live worker process since it started (by pool slot)',
    'cpuSeconds',
  );
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });
  const flavor = { flavor: 'execute' };

  const metrics: HostMetrics = {
    attach: (v) => void (view = v),
    workerSpawning: () => spawning.inc(flavor),
    workerSpawned: () => spawned.inc(flavor),
    workerRetired: (cause) => {
      retired.inc(flavor);
      exits.inc({ cause });
    },
    prepareEnqueued: () => prepareEnqueued.inc(),
    prepareConcluded: (seconds) => {
      prepareConcluded.inc();
      if (seconds !== undefined) preparationTime.observe(seconds);
    },
    prepared: (codeBytes, maxRssKib) => {
      codeSize.observe(codeBytes);
      if (maxRssKib !== undefined) maxRss.observe(maxRssKib);
    },
    executeEnqueued: () => executeEnqueued.inc(),
    executeDequeued: (seconds, priority) => {
      queuedTime.observe(seconds);
      execKind.inc({ priority });
    },
    executeFinished: (seconds) => {
      executeFinished.inc();
      if (seconds !== undefined) executionTime.observe(seconds);
    },
    povSize: (bytes, compressed) => povSize.observe({ compressed: String(compressed) }, bytes),
    outcome: (request, kind, reason) => outcomes.inc({ request, kind, reason }),
  };
  return { metrics, registry };
}
