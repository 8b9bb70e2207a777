// Failed preparations, remembered per code hash like the reference's
// `ArtifactState::FailedToProcess { last_time_failed, num_failures, error }`
// (polkadot/node/core/pvf/src/artifacts.rs; the policy in polkadot/node/core/pvf/src/host.rs
// @03079b27: `PREPARE_FAILURE_COOLDOWN` line 50, `NUM_PREPARE_RETRIES` line 55,
// `handle_precheck_pvf` lines 451–478, `handle_execute_pvf` line 491,
// `can_retry_prepare_after_failure` lines 857–871):
// - a deterministic failure (prevalidation, preparation, out of memory, decompression) is never
//   retried: every later request gets the stored error without a worker compiling the code again;
// - a non-deterministic one (timed out, job died, runtime construction) is retried by a request
//   for execution that arrives at least the cooldown after the last failure, while the failures
//   so far number at most `NUM_PREPARE_RETRIES`; meanwhile requests get the stored error;
// - a precheck never retries a failed preparation ("We don't retry artifacts that previously
//   failed preparation").
// A successful preparation forgets the failure. Bounded (LRU) so hostile code cannot grow it.
import { LruCache } from '../../runtime/worker/module-cache.js';
import { performance } from 'node:perf_hooks';
import type { PreparationErrorOutcome, Timing } from './outcome.js';

/** `PREPARE_FAILURE_COOLDOWN`: 15 minutes. */
export const PREPARE_FAILURE_COOLDOWN_MS = 15 * 60 * 1000;
/** `NUM_PREPARE_RETRIES`. */
export const NUM_PREPARE_RETRIES = 5;

export type StoredFailure = Omit<PreparationErrorOutcome, keyof Timing>;

interface Entry {
  readonly failure: StoredFailure;
  readonly lastFailedAt: number;
  readonly failures: number;
}

/** Who asks: a precheck never retries; a preparation for execution may after the cooldown. */
export type PreparePurpose = 'precheck' | 'execute';

export class FailedPreparations {
  private readonly entries: LruCache<Entry>;

  constructor(
    maxEntries: number,
    private readonly cooldownMs = PREPARE_FAILURE_COOLDOWN_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LruCache(maxEntries);
  }

  /**
   * The stored failure to answer with instead of preparing `key` again, or undefined when the
   * code may be (re)prepared.
   */
  blocked(key: string, purpose: PreparePurpose): StoredFailure | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (purpose === 'precheck' || e.failure.deterministic) return e.failure;
    const retry =
      this.now() >= e.lastFailedAt + this.cooldownMs && e.failures <= NUM_PREPARE_RETRIES;
    return retry ? undefined : e.failure;
  }

  /** Records a failed preparation of `key` (counting earlier ones). */
  failed(key: string, failure: StoredFailure): void {
    const before = this.entries.get(key);
    this.entries.set(key, {
      failure,
      lastFailedAt: this.now(),
      failures: (before?.failures ?? 0) + 1,
    });
  }

  /** Forgets `key` after it prepared. */
  prepared(key: string): void {
    this.entries.delete(key);
  }

  /** How many failures are remembered for `key` (0 if none). */
  failures(key: string): number {
    return this.entries.get(key)?.failures ?? 0;
  }
}

/** A remembered failure as the outcome of a request no worker saw (`attempts: 0`). */
export function fromStore(stored: StoredFailure, startedAt: number): PreparationErrorOutcome {
  return { ...stored, durationMs: performance.now() - startedAt, attempts: 0 };
}
