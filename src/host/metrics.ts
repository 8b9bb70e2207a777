// What the host reports for embedders' metrics: one small interface of events, called by the
// pool at the points where polkadot-sdk's PVF host updates its metrics
// (polkadot/node/core/pvf/src/metrics.rs), so any metrics library can sit behind it. The
// Prometheus implementation is in prometheus.ts.
import type { Priority } from './scheduler.js';

export interface HostMetrics {
  /** A worker process began to start (`polkadot_pvf_worker_spawning`). */
  workerSpawning(): void;
  /** It passed its handshake and the outside check (`polkadot_pvf_worker_spawned`). */
  workerSpawned(): void;
  /** A started worker exited: killed by the host or died (`polkadot_pvf_worker_retired`). */
  workerRetired(): void;
  /** Code was sent to a worker to compile (`polkadot_pvf_prepare_enqueued`). */
  prepareEnqueued(): void;
  /**
   * That compilation ended; `seconds` from the worker starting it to its answer, when it
   * answered (`polkadot_pvf_prepare_concluded`, `polkadot_pvf_preparation_time`).
   */
  prepareConcluded(seconds: number | undefined): void;
  /**
   * An execution (`validate_block` or another call) entered the queue with this priority
   * (`polkadot_pvf_execute_enqueued`, `polkadot_pvf_exec_kind_selected`).
   */
  executeEnqueued(priority: Priority): void;
  /** It left the queue for a worker after `seconds` (`polkadot_pvf_execution_queued_time`). */
  executeDequeued(seconds: number): void;
  /**
   * It ended; `seconds` from the worker starting it to its answer, when it answered
   * (`polkadot_pvf_execute_finished`, `polkadot_pvf_execution_time`).
   */
  executeFinished(seconds: number | undefined): void;
}

/** Reports nothing: the default. */
export const NO_METRICS: HostMetrics = Object.freeze({
  workerSpawning() {},
  workerSpawned() {},
  workerRetired() {},
  prepareEnqueued() {},
  prepareConcluded() {},
  executeEnqueued() {},
  executeDequeued() {},
  executeFinished() {},
});
