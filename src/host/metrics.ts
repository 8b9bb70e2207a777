// What the host reports for embedders' metrics: one small interface of events, called by the
// pool and the host at the points where polkadot-sdk's PVF host updates its metrics
// (polkadot/node/core/pvf/src/metrics.rs; the PoV and code sizes it took over from
// candidate-validation), plus a few of ours, so any metrics library can sit behind it. The
// Prometheus implementation is the `pvf-runtime/metrics` subpath (src/metrics/), so the core
// does not load prom-client. Every method is called on the host's own path: keep them cheap.
import type { Priority } from './scheduler.js';

/** Why a started worker's process ended. */
export type WorkerExitCause =
  'died' | 'timeout' | 'memory-limit' | 'protocol' | 'retired' | 'stopped';

/** Outcome kinds of the public requests, for `outcome`. */
export type RequestName = 'validate' | 'call' | 'prepare';

/** What the host lets a metrics implementation read when it is scraped (gauges). */
export interface HostView {
  /** Jobs waiting for a worker: executions and calls, and host prechecks (`prepare()`). */
  queued(): { readonly execute: number; readonly precheck: number };
  /** The live, started workers: pool slot and host-visible pid. */
  workers(): readonly { readonly worker: number; readonly pid: number }[];
}

export interface HostMetrics {
  /** The host is up: gauges may read `view` from now on, until it closes. */
  attach(view: HostView): void;
  /** A worker process began to start (`polkadot_pvf_worker_spawning`). */
  workerSpawning(): void;
  /** It passed its handshake and the outside check (`polkadot_pvf_worker_spawned`). */
  workerSpawned(): void;
  /** A started worker exited: killed by the host or died (`polkadot_pvf_worker_retired`). */
  workerRetired(cause: WorkerExitCause): void;
  /** Code was sent to a worker to compile (`polkadot_pvf_prepare_enqueued`). */
  prepareEnqueued(): void;
  /**
   * That compilation ended; `seconds` from the worker starting it to its answer, when it
   * answered (`polkadot_pvf_prepare_concluded`, `polkadot_pvf_preparation_time`).
   */
  prepareConcluded(seconds: number | undefined): void;
  /**
   * A preparation succeeded: the size of the decompressed wasm
   * (`polkadot_parachain_candidate_validation_code_size`) and the worker's peak resident
   * memory so far in KiB, when /proc tells it (`polkadot_pvf_preparation_max_rss`).
   */
  prepared(codeBytes: number, maxRssKib: number | undefined): void;
  /** An execution or call entered the queue (`polkadot_pvf_execute_enqueued`). */
  executeEnqueued(priority: Priority): void;
  /**
   * It left the queue for a worker after `seconds`: the scheduler selected its kind
   * (`polkadot_pvf_execution_queued_time`, `polkadot_pvf_exec_kind_selected`).
   */
  executeDequeued(seconds: number, priority: Priority): void;
  /**
   * It ended; `seconds` from the worker starting it to its answer, when it answered
   * (`polkadot_pvf_execute_finished`, `polkadot_pvf_execution_time`).
   */
  executeFinished(seconds: number | undefined): void;
  /**
   * The PoV of a validation given in parts: its block data's size as given, and whether it
   * carries the compression prefix (`polkadot_parachain_candidate_validation_pov_size`).
   */
  povSize(bytes: number, compressed: boolean): void;
  /** A public request ended with this outcome (`reason`: '' for kinds without one). */
  outcome(request: RequestName, kind: string, reason: string): void;
}

/** Reports nothing: the default. */
export const NO_METRICS: HostMetrics = Object.freeze({
  attach() {},
  workerSpawning() {},
  workerSpawned() {},
  workerRetired() {},
  prepareEnqueued() {},
  prepareConcluded() {},
  prepared() {},
  executeEnqueued() {},
  executeDequeued() {},
  executeFinished() {},
  povSize() {},
  outcome() {},
});
