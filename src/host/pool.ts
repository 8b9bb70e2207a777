// The pool of warm workers: keeps N of them alive (replacing the dead with bounded backoff),
// hands queued jobs to the least-loaded one with a few requests in flight per worker (see
// `depthFor`), compiles code on a worker before its first run there (a separate step with the
// preparation timeout, as the reference separates preparation from execution), and runs the
// periodic CPU-time / memory check. Every job handed in gets exactly one `done` call.
import { performance } from 'node:perf_hooks';
import type { CodeRef, HostMessage, JobOutcome } from '../../runtime/protocol/messages.js';
import { LruCache, moduleKey } from '../../runtime/worker/module-cache.js';
import { SandboxOptionsError, SandboxUnavailableError } from '../sandbox/options.js';
import { WorkerStartError } from './errors.js';
import type { HostOptions } from './options.js';
import { type Priority, Scheduler } from './scheduler.js';
import type { WorkerSpawner } from './spawner.js';
import { type StepFailure, WorkerProcess } from './worker-process.js';

/** How one attempt at a job ended. */
export type AttemptResult =
  | {
      readonly kind: 'reply';
      /** Which step answered: 'prepare' when compiling the code failed before the run. */
      readonly phase: 'prepare' | 'run';
      readonly outcome: JobOutcome;
      readonly cpuMs: number;
      readonly wallMs: number;
    }
  | {
      readonly kind: 'failed';
      readonly phase: 'prepare' | 'run';
      readonly failure: Exclude<StepFailure, { kind: 'not-started' }>;
    }
  /** No worker could be started for it. */
  | { readonly kind: 'no-worker'; readonly message: string };

export interface PoolJob {
  readonly priority: Priority;
  readonly code: CodeRef & { readonly code: Uint8Array };
  /** Builds the job's request; `code` is left out: the module is compiled beforehand. */
  build(id: number): HostMessage;
  /** CPU budget of the request in ms. */
  readonly timeoutMs: number;
  /** CPU budget of compiling the code on a worker that does not have it. */
  readonly prepareTimeoutMs: number;
  /** False for a prepare job, whose own request carries the code. */
  readonly needsModule: boolean;
  done(result: AttemptResult): void;
}

/**
 * Work to keep queued in a worker beyond the running job, in ms of its recent job time: it
 * covers the host's turnaround (wake-up, reply, refill: tens of µs idle, ms on a loaded
 * machine), so a worker with short jobs never waits for the next one.
 */
const AHEAD_MS = 1;
/** Requests a worker with long jobs holds: the running one and the next (no idle gap). */
const LONG_JOB_DEPTH = 2;
/** `JOB_TIMEOUT_OVERHEAD` (50 ms): how often running jobs are checked against their budgets. */
const CHECK_INTERVAL_MS = 50;
/** Respawn backoff: 100 ms doubling up to the reference's 3 s spawn retry delay. */
const BACKOFF_MS = (failures: number) => Math.min(3000, 100 * 2 ** Math.max(0, failures - 1));
/** Consecutive failed starts after which queued jobs are failed instead of waiting. */
const GIVE_UP_AFTER = 3;

interface Slot {
  worker: WorkerProcess | undefined;
  ready: boolean;
  failures: number;
  /** The modules this worker has compiled, mirrored (same capacity, same order of use). */
  modules: LruCache<true>;
  respawn: NodeJS.Timeout | undefined;
}

interface Tracked {
  readonly job: PoolJob;
  settled: boolean;
  codeMissing: number;
  /** When it was submitted, and whether it has left the queue once (for the metrics). */
  readonly queuedAt: number;
  dispatched: boolean;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Scheduler<Tracked>;
  private nextId = 1;
  private ticker: NodeJS.Timeout | undefined;
  private closing = false;
  private lastStartError = '';
  /** Workers that passed their start checks; their exit counts as a retirement. */
  private readonly started = new WeakSet<WorkerProcess>();

  constructor(
    private readonly opts: HostOptions,
    private readonly spawner: WorkerSpawner,
    private readonly script: string,
  ) {
    this.queue = new Scheduler<Tracked>(opts.maxQueued);
    this.slots = Array.from({ length: opts.workers }, () => ({
      worker: undefined,
      ready: false,
      failures: 0,
      modules: new LruCache<true>(opts.moduleCacheEntries),
      respawn: undefined,
    }));
  }

  /**
   * Starts every worker and waits until each has passed its handshake and outside check.
   * @throws the first start error (the pool is then closed).
   */
  async start(): Promise<void> {
    const results = await Promise.allSettled(this.slots.map((s) => this.startSlot(s)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await this.close();
      const e = failed.reason as Error;
      // The sandbox's policy refusals keep their own type; anything else is a failed start.
      if (e instanceof SandboxUnavailableError || e instanceof SandboxOptionsError) throw e;
      throw new WorkerStartError(`a worker failed to start: ${e.message}`);
    }
  }

  /** Queues a job; false when the queue is full (the caller reports backpressure). */
  submit(job: PoolJob): boolean {
    const t = {
      job,
      settled: false,
      codeMissing: 0,
      queuedAt: performance.now(),
      dispatched: false,
    };
    if (!this.queue.push(t, job.priority)) return false;
    if (job.needsModule) this.opts.metrics.executeEnqueued(job.priority);
    else this.opts.metrics.prepareEnqueued();
    this.pump();
    return true;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** The pids of live workers (for diagnostics and tests). */
  get pids(): number[] {
    return this.slots.flatMap((s) => (s.worker?.alive && s.ready ? [s.worker.pid] : []));
  }

  /** Kills every worker; queued and running jobs end with `closed` (the caller maps it). */
  async close(): Promise<void> {
    this.closing = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    const exits: Promise<void>[] = [];
    for (const s of this.slots) {
      if (s.respawn !== undefined) clearTimeout(s.respawn);
      const w = s.worker;
      if (w?.alive) {
        exits.push(new Promise((resolve) => w.exited.then(resolve)));
        w.kill({ kind: 'closed' });
      }
    }
    for (const t of this.queue.drain())
      this.finish(t, { kind: 'failed', phase: 'run', failure: { kind: 'closed' } });
    await Promise.all(exits);
  }

  private async startSlot(slot: Slot): Promise<void> {
    slot.respawn = undefined;
    slot.ready = false;
    slot.modules = new LruCache<true>(this.opts.moduleCacheEntries);
    let child;
    this.opts.metrics.workerSpawning();
    try {
      child = this.spawner.spawn(this.script);
    } catch (e) {
      // Policy refusals (SandboxUnavailableError) and bad options: not worth retrying.
      slot.failures = GIVE_UP_AFTER;
      this.lastStartError = e instanceof Error ? e.message : String(e);
      this.giveUpIfHopeless();
      throw e;
    }
    const worker = new WorkerProcess(child, {
      cacheEntries: this.opts.moduleCacheEntries,
      spawnTimeoutMs: this.opts.spawnTimeoutMs,
      memoryLimitBytes: this.opts.workerMemoryLimitBytes,
      logger: this.opts.logger,
      events: { onExit: (w) => this.onExit(slot, w) },
    });
    slot.worker = worker;
    try {
      await worker.ready;
      await this.spawner.verify(worker.pid, this.script);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.lastStartError = message;
      slot.failures++;
      worker.kill({ kind: 'protocol', message });
      throw e;
    }
    this.started.add(worker);
    this.opts.metrics.workerSpawned();
    if (this.closing) return;
    slot.ready = true;
    this.pump();
  }

  private onExit(slot: Slot, w: WorkerProcess): void {
    if (this.started.delete(w)) this.opts.metrics.workerRetired();
    if (slot.worker !== w) return;
    slot.worker = undefined;
    slot.ready = false;
    if (this.closing) return;
    if (
      this.slots.every((s) => s.worker === undefined) &&
      this.slots.every((s) => s.failures >= GIVE_UP_AFTER)
    )
      for (const t of this.queue.drain())
        this.finish(t, {
          kind: 'no-worker',
          message: `no worker could be started: ${this.lastStartError}`,
        });
    const delay = slot.failures === 0 ? 0 : BACKOFF_MS(slot.failures);
    slot.respawn = setTimeout(() => {
      this.startSlot(slot).catch(() => {
        // Counted in slot.failures; the next exit schedules another attempt.
      });
    }, delay);
    slot.respawn.unref();
  }

  /** When every slot is down after repeated failed starts, queued jobs end now. */
  private giveUpIfHopeless(): void {
    if (this.slots.some((s) => s.worker !== undefined || s.failures < GIVE_UP_AFTER)) return;
    for (const t of this.queue.drain())
      this.finish(t, {
        kind: 'no-worker',
        message: `no worker could be started: ${this.lastStartError}`,
      });
  }

  /** Hands queued jobs to workers with free pipeline slots, least loaded first. */
  private pump(): void {
    const now = performance.now();
    while (this.queue.size > 0) {
      let best: Slot | undefined;
      for (const s of this.slots) {
        const w = s.worker;
        if (!s.ready || w === undefined || !w.alive || w.load >= this.depthFor(w, now)) continue;
        if (best === undefined || w.load < best.worker!.load) best = s;
      }
      if (best === undefined) return;
      const t = this.queue.next()!;
      this.dispatch(t, best);
    }
  }

  /**
   * How many requests a worker may hold. With short jobs, enough for AHEAD_MS of work (one
   * worker on a 15 µs PVF, our AssemblyScript adder: ~9,000 validations/s at depth 2, ~12,500
   * at 8); with long ones, or while the running one is taking long, two, so that a later
   * dispute or approval waits behind one queued job at most.
   */
  private depthFor(w: WorkerProcess, now: number): number {
    const max = this.opts.pipelineDepth;
    const ms = w.jobMs(now);
    if (ms === undefined) return Math.min(LONG_JOB_DEPTH, max);
    return Math.min(max, Math.max(LONG_JOB_DEPTH, Math.ceil(AHEAD_MS / ms) + 1));
  }

  private dispatch(t: Tracked, slot: Slot): void {
    const w = slot.worker!;
    const { job } = t;
    const key = moduleKey(job.code.codeHash, job.code.params);
    const metrics = this.opts.metrics;
    if (!t.dispatched) {
      t.dispatched = true;
      if (job.needsModule) metrics.executeDequeued((performance.now() - t.queuedAt) / 1000);
    }
    if (job.needsModule && slot.modules.get(key) === undefined) {
      slot.modules.set(key, true);
      metrics.prepareEnqueued();
      w.send({
        message: { tag: 'prepare', id: this.nextId++, code: job.code, prepKind: 'compile' },
        timeoutMs: job.prepareTimeoutMs,
        onReply: (outcome, cpuMs, wallMs) => {
          metrics.prepareConcluded(wallMs / 1000);
          // Its pipeline slot is free: fill it now rather than after the job behind it.
          if (outcome.kind === 'prepared') return this.pump();
          slot.modules.delete(key);
          this.finish(t, { kind: 'reply', phase: 'prepare', outcome, cpuMs, wallMs });
        },
        onFail: (failure) => {
          metrics.prepareConcluded(undefined);
          this.onStepFailed(t, slot, 'prepare', failure);
        },
      });
    } else if (!job.needsModule) {
      slot.modules.set(key, true);
    }
    w.send({
      message: job.build(this.nextId++),
      timeoutMs: job.timeoutMs,
      onReply: (outcome, cpuMs, wallMs) => {
        slot.failures = 0;
        if (outcome.kind === 'code-missing' && !t.settled) {
          // The mirror of the worker's cache was wrong: compile there and run again.
          slot.modules.delete(key);
          if (++t.codeMissing > 2)
            this.finish(t, {
              kind: 'reply',
              phase: 'run',
              outcome: {
                kind: 'internal-error',
                message: 'worker keeps losing the compiled module',
              },
              cpuMs,
              wallMs,
            });
          else this.requeue(t);
          return;
        }
        if (outcome.kind === 'preparation-error' || outcome.kind === 'code-missing')
          slot.modules.delete(key);
        this.finish(t, { kind: 'reply', phase: 'run', outcome, cpuMs, wallMs });
        this.pump();
      },
      onFail: (failure) => this.onStepFailed(t, slot, 'run', failure),
    });
    this.ensureTicker();
  }

  private onStepFailed(t: Tracked, slot: Slot, phase: 'prepare' | 'run', f: StepFailure): void {
    if (f.kind === 'not-started') {
      this.requeue(t);
      return;
    }
    // A worker that died on its own before finishing anything counts against its slot.
    if (f.kind === 'died') slot.failures++;
    this.finish(t, { kind: 'failed', phase, failure: f });
    // A step that answered past its budget leaves a live worker with a free pipeline slot.
    this.pump();
  }

  private requeue(t: Tracked): void {
    if (t.settled) return;
    if (this.closing) {
      this.finish(t, { kind: 'failed', phase: 'run', failure: { kind: 'closed' } });
      return;
    }
    this.queue.requeue(t, t.job.priority);
    // Deferred: the worker that failed it is still tearing down in this tick.
    setImmediate(() => this.pump());
  }

  private finish(t: Tracked, r: AttemptResult): void {
    if (t.settled) return;
    t.settled = true;
    // The reference times a job from sending it to its end, a timeout included (its timer
    // observes when dropped); a worker death leaves no time to report.
    const ranSeconds =
      r.kind === 'reply' && r.phase === 'run'
        ? r.wallMs / 1000
        : r.kind === 'failed' && r.phase === 'run' && r.failure.kind === 'timeout'
          ? r.failure.wallMs / 1000
          : undefined;
    if (t.job.needsModule) this.opts.metrics.executeFinished(ranSeconds);
    else this.opts.metrics.prepareConcluded(ranSeconds);
    t.job.done(r);
  }

  private ensureTicker(): void {
    if (this.ticker !== undefined || this.closing) return;
    this.ticker = setInterval(() => {
      const now = performance.now();
      let busy = false;
      for (const s of this.slots)
        if (s.worker !== undefined && s.worker.load > 0) {
          busy = true;
          s.worker.check(now);
        }
      if (!busy) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, CHECK_INTERVAL_MS);
    this.ticker.unref();
  }
}
