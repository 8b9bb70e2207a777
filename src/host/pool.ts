// The pool of warm workers: keeps N of them alive (replacing the dead with bounded backoff),
// hands queued jobs to the least-loaded eligible one with a few requests in flight per worker
// (see `depthFor`; which worker may take which job is placement.ts: verdict isolation and
// head-of-line), compiles code on a worker before its first run there (a separate step with
// the preparation timeout, as the reference separates preparation from execution), and runs
// the periodic CPU-time / memory check, which also takes back work waiting behind a long job.
// Every job handed in gets exactly one `done` call; until then it holds the event loop open.
//
// Over 400 lines (longer than most files): the slot lifecycle (start, exit, respawn, retire, close) and the
// dispatch of a job's two steps share the slot state and stay together.
import { performance } from 'node:perf_hooks';
import type { CodeRef, HostMessage, JobOutcome } from '../../runtime/protocol/messages.js';
import { LruCache, moduleKey } from '../../runtime/worker/module-cache.js';
import { hexOf } from './code-hash.js';
import { SandboxOptionsError, SandboxUnavailableError } from '../sandbox/options.js';
import { WorkerStartError } from './errors.js';
import { KeepAlive } from './keep-alive.js';
import type { HostView } from './metrics.js';
import type { HostOptions } from './options.js';
import { better, eligible, runningLong, toRetire } from './placement.js';
import {
  type JobInfo,
  logExit,
  logGaveUp,
  logLateReply,
  logRespawn,
  logSealed,
  logSpawned,
  logStartFailed,
} from './pool-log.js';
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

/**
 * Host prechecks (`prepare()`, with their 60 s budget) may occupy at most this share of the
 * workers at once, so they never starve executions (the reference runs preparation in
 * separate prepare workers: polkadot/node/core/pvf/src/host.rs, `prepare_workers_hard_max_num`).
 */
const PREPARE_SHARE = 0.5;
/**
 * Warm workers beyond `workers` (never more than `workers` run jobs at once): 'job' retires a
 * worker after every job, so as many spares as workers keep a fresh one ready while retired
 * ones are replaced. ('code' has none: a code switch waits for a spawn; see README.)
 */
const spares = (o: HostOptions): number => (o.isolation === 'job' ? o.workers : 0);
/** How far past the queue's head the pool looks for a job a free worker may take. */
const SKIP_SCAN = 64;

interface Slot {
  /** Its place in the pool: the `worker` of operator log lines, stable across respawns. */
  readonly index: number;
  worker: WorkerProcess | undefined;
  ready: boolean;
  failures: number;
  /** The modules this worker has compiled, mirrored (same capacity, same order of use). */
  modules: LruCache<true>;
  respawn: NodeJS.Timeout | undefined;
  /** The code hash (hex) this worker serves (isolation 'code' and 'job'). */
  boundTo: string | undefined;
  /** Retirement decided: it takes no more work and is killed once idle. */
  retiring: boolean;
  /** Host prechecks it holds. */
  prechecks: number;
}

interface Tracked {
  readonly job: PoolJob;
  /** Its number in this pool (the `job` of operator log lines). */
  readonly id: number;
  /** Its code hash, hex (what verdict isolation binds workers to). */
  readonly code: string;
  settled: boolean;
  codeMissing: number;
  /** When it was submitted, and whether it has left the queue once (for the metrics). */
  readonly queuedAt: number;
  dispatched: boolean;
  /** Counts its dispatches: a step of an earlier dispatch cannot queue it again. */
  dispatchNo: number;
  /** Releases its hold on the event loop. */
  release: () => void;
}

export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Scheduler<Tracked>;
  /** Host prechecks wait apart, so that their share of the workers is bounded. */
  private readonly prechecks: Scheduler<Tracked>;
  private readonly keepAlive = new KeepAlive();
  private closed: Promise<void> | undefined;
  private nextId = 1;
  private nextJob = 1;
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
    this.prechecks = new Scheduler<Tracked>(opts.maxQueued);
    const slots = opts.workers + spares(opts);
    this.slots = Array.from({ length: slots }, (_, index) => ({
      index,
      worker: undefined,
      ready: false,
      failures: 0,
      modules: new LruCache<true>(opts.moduleCacheEntries),
      respawn: undefined,
      boundTo: undefined,
      retiring: false,
      prechecks: 0,
    }));
  }

  /**
   * Starts every worker and waits until each has passed its handshake and outside check.
   * @throws the first start error (the pool is then closed).
   */
  async start(): Promise<void> {
    const release = this.keepAlive.hold();
    const results = await Promise.allSettled(this.slots.map((s) => this.startSlot(s)));
    release();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) {
      await this.close();
      const e = failed.reason as Error;
      // The sandbox's policy refusals keep their own type; anything else is a failed start.
      if (e instanceof SandboxUnavailableError || e instanceof SandboxOptionsError) throw e;
      throw new WorkerStartError(`a worker failed to start: ${e.message}`);
    }
  }

  /**
   * Queues a job; false when the queue is full (the caller reports backpressure). After close,
   * the job ends at once with `closed`.
   */
  submit(job: PoolJob): boolean {
    if (this.queue.size + this.prechecks.size >= this.opts.maxQueued) return false;
    const t: Tracked = {
      job,
      id: this.nextJob++,
      code: hexOf(job.code.codeHash),
      settled: false,
      codeMissing: 0,
      queuedAt: performance.now(),
      dispatched: false,
      dispatchNo: 0,
      release: this.keepAlive.hold(),
    };
    if (this.closing) {
      this.finish(t, { kind: 'failed', phase: 'run', failure: { kind: 'closed' } });
      return true;
    }
    (job.needsModule ? this.queue : this.prechecks).push(t, job.priority);
    if (job.needsModule) this.opts.metrics.executeEnqueued(job.priority);
    else this.opts.metrics.prepareEnqueued();
    this.pump();
    return true;
  }

  get queued(): number {
    return this.queue.size + this.prechecks.size;
  }

  /** What metrics read at scrape time (HostMetrics.attach). */
  readonly view: HostView = {
    queued: () => ({ execute: this.queue.size, precheck: this.prechecks.size }),
    workers: () =>
      this.slots.flatMap((s) =>
        s.worker?.alive && s.ready ? [{ worker: s.index, pid: s.worker.pid }] : [],
      ),
  };

  /** Holds on the event loop: jobs not yet settled, plus a start or close in progress. */
  get holds(): number {
    return this.keepAlive.count;
  }

  /** The pids of live workers (for diagnostics and tests). */
  get pids(): number[] {
    return this.slots.flatMap((s) => (s.worker?.alive && s.ready ? [s.worker.pid] : []));
  }

  /**
   * Kills every worker and its process group; queued and running jobs end with `closed` (the
   * caller maps it). Every call returns the same promise, which resolves once every job has
   * ended and every worker process group is gone.
   */
  close(): Promise<void> {
    this.closed ??= this.closeOnce();
    return this.closed;
  }

  private async closeOnce(): Promise<void> {
    const release = this.keepAlive.hold();
    this.closing = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    const exits: Promise<void>[] = [];
    for (const s of this.slots) {
      if (s.respawn !== undefined) clearTimeout(s.respawn);
      const w = s.worker;
      if (w !== undefined) {
        exits.push(w.exited);
        w.kill({ kind: 'closed' });
      }
    }
    for (const t of [...this.queue.drain(), ...this.prechecks.drain()])
      this.finish(t, { kind: 'failed', phase: 'run', failure: { kind: 'closed' } });
    await Promise.all(exits);
    release();
  }

  private async startSlot(slot: Slot): Promise<void> {
    slot.respawn = undefined;
    slot.ready = false;
    slot.boundTo = undefined;
    slot.retiring = false;
    slot.prechecks = 0;
    slot.modules = new LruCache<true>(this.opts.moduleCacheEntries);
    let child;
    this.opts.metrics.workerSpawning();
    const log = this.opts.logger;
    try {
      child = this.spawner.spawn(this.script);
    } catch (e) {
      // Policy refusals (SandboxUnavailableError) and bad options: not worth retrying.
      slot.failures = GIVE_UP_AFTER;
      this.lastStartError = e instanceof Error ? e.message : String(e);
      logStartFailed(log, slot.index, undefined, slot.failures, this.lastStartError);
      this.giveUpIfHopeless();
      throw e;
    }
    const spawnedAt = performance.now();
    logSpawned(log, slot.index, child.pid ?? -1);
    const worker = new WorkerProcess(child, {
      cacheEntries: this.opts.moduleCacheEntries,
      spawnTimeoutMs: this.opts.spawnTimeoutMs,
      memoryLimitBytes: this.opts.workerMemoryLimitBytes,
      logger: this.opts.logger,
      events: { onExit: (w) => this.onExit(slot, w) },
    });
    slot.worker = worker;
    try {
      const view = await worker.ready;
      const handshakeMs = performance.now() - spawnedAt;
      await this.spawner.verify(worker.pid, this.script);
      const verifyMs = performance.now() - spawnedAt - handshakeMs;
      logSealed(log, slot.index, worker.pid, { handshakeMs, verifyMs }, view.layers, {
        secp256k1: worker.secp256k1,
        curve25519: worker.curve25519,
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.lastStartError = message;
      slot.failures++;
      logStartFailed(log, slot.index, worker.pid, slot.failures, message);
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
    if (this.started.delete(w)) {
      // A worker that never started was logged by startSlot already.
      if (w.end !== undefined) {
        const f = w.end.failure.kind;
        this.opts.metrics.workerRetired(
          f === 'closed' ? (this.closing ? 'stopped' : 'retired') : f,
        );
        logExit(
          this.opts.logger,
          slot.index,
          w.pid,
          w.end,
          this.jobInfo,
          this.closing,
          this.opts.workerMemoryLimitBytes,
        );
      }
    }
    if (slot.worker !== w) return;
    slot.worker = undefined;
    slot.ready = false;
    if (this.closing) return;
    if (
      this.slots.every((s) => s.worker === undefined) &&
      this.slots.every((s) => s.failures >= GIVE_UP_AFTER)
    )
      this.failQueued();
    const delay = slot.failures === 0 ? 0 : BACKOFF_MS(slot.failures);
    logRespawn(this.opts.logger, slot.index, delay, slot.failures);
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
    this.failQueued();
  }

  /** Every queued job ends with `no-worker`. */
  private failQueued(): void {
    const jobs = [...this.queue.drain(), ...this.prechecks.drain()];
    if (jobs.length > 0) logGaveUp(this.opts.logger, jobs.length, this.lastStartError);
    for (const t of jobs)
      this.finish(t, {
        kind: 'no-worker',
        message: `no worker could be started: ${this.lastStartError}`,
      });
  }

  /** A step's owner as the operator log names it. */
  private readonly jobInfo: JobInfo = (owner) => {
    const t = owner as Tracked;
    return { job: t.id, kind: t.job.needsModule ? t.job.priority : 'precheck' };
  };

  /**
   * Hands queued jobs to eligible workers with free pipeline slots, least loaded first:
   * executions from their queue, host prechecks from theirs while under their share.
   */
  private pump(): void {
    if (this.closing) return;
    const now = performance.now();
    const precheckCap = Math.max(1, Math.floor(this.opts.workers * PREPARE_SHARE));
    for (let moved = true; moved;) {
      moved = this.place(this.queue, now);
      const busy = this.slots.filter((s) => s.prechecks > 0).length;
      if (busy < precheckCap && this.place(this.prechecks, now)) moved = true;
    }
  }

  /**
   * Places the next job of `queue` if a worker may take it, or else the first job within
   * SKIP_SCAN of the queue's head that one may take (a job bound for a busy code's worker does
   * not hold up other codes' jobs); true when one was placed.
   */
  private place(queue: Scheduler<Tracked>, now: number): boolean {
    const head = queue.peek();
    if (head === undefined) return false;
    let slot = this.slotFor(head, now);
    let t: Tracked | undefined = head;
    if (slot === undefined) {
      const old = toRetire(this.slots, head.code, this.opts.isolation, (code) =>
        this.waiting(code),
      );
      if (old !== undefined) this.retire(old as Slot);
      if (this.opts.isolation === 'none') return false;
      t = queue.takeFirst((x) => this.slotFor(x, now) !== undefined, SKIP_SCAN);
      if (t === undefined) return false;
      slot = this.slotFor(t, now)!;
    } else queue.next();
    this.dispatch(t, slot);
    return true;
  }

  /** The best slot to run `t` now, if any. */
  private slotFor(t: Tracked, now: number): Slot | undefined {
    // Spares are there to be warm, not to run more jobs at once than `workers`: at the cap,
    // only a worker that is busy already may take more.
    const full = this.slots.filter((s) => (s.worker?.load ?? 0) > 0).length >= this.opts.workers;
    let best: Slot | undefined;
    for (const s of this.slots) {
      const w = s.worker;
      if (w === undefined || (full && w.load === 0)) continue;
      if (!eligible(s, t.code, this.opts.isolation, this.depthFor(w, now), now)) continue;
      if (best === undefined || better(s, best, t.code)) best = s;
    }
    return best;
  }

  /** Whether a job of `code` is queued (within SKIP_SCAN of either queue's head). */
  private waiting(code: string): boolean {
    return [this.queue, this.prechecks].some((q) => q.find((t) => t.code === code, SKIP_SCAN));
  }

  /** Whether a slot other than `s` is up and not itself stuck in a long job. */
  private otherWorker(s: Slot, now: number): boolean {
    return this.slots.some(
      (o) =>
        o !== s &&
        o.ready &&
        !o.retiring &&
        o.worker?.alive === true &&
        !runningLong(o.worker, now),
    );
  }

  /**
   * Retires a worker so that a fresh, unbound one replaces it (see placement.ts): it takes no
   * more work and is killed as soon as it holds no request.
   */
  private retire(slot: Slot): void {
    slot.retiring = true;
    this.killIfRetired(slot);
  }

  private killIfRetired(slot: Slot): void {
    const w = slot.worker;
    if (slot.retiring && w !== undefined && w.load === 0) w.kill({ kind: 'closed' });
  }

  /**
   * How many requests a worker may hold. With short jobs, enough for AHEAD_MS of work (one
   * worker on a 15 µs PVF, our AssemblyScript adder: ~9,000 validations/s at depth 2, ~12,500
   * at 8); with long ones, or while the running one is taking long, two, so that a later
   * dispute or approval waits behind one queued job at most.
   */
  private depthFor(w: WorkerProcess, now: number): number {
    // A fresh process per job: nothing may queue behind the one it runs.
    if (this.opts.isolation === 'job') return 1;
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
    const no = ++t.dispatchNo;
    if (this.opts.isolation !== 'none') slot.boundTo = t.code;
    if (!job.needsModule) slot.prechecks++;
    let ended = false;
    // Whenever a step of this dispatch ends. Once per dispatch, whichever step is first: the
    // precheck share and 'job' retirement. Every time: a retiring worker is killed once it
    // holds nothing (a failed compile ends the dispatch while its pipelined run is still out).
    const end = () => {
      if (!ended) {
        ended = true;
        if (!job.needsModule) slot.prechecks--;
        if (slot.worker === w && this.opts.isolation === 'job') this.retire(slot);
      }
      if (slot.worker === w) this.killIfRetired(slot);
    };
    if (!t.dispatched) {
      t.dispatched = true;
      if (job.needsModule)
        metrics.executeDequeued((performance.now() - t.queuedAt) / 1000, job.priority);
    }
    if (job.needsModule && slot.modules.get(key) === undefined) {
      slot.modules.set(key, true);
      metrics.prepareEnqueued();
      w.send({
        message: { tag: 'prepare', id: this.nextId++, code: job.code, prepKind: 'compile' },
        owner: t,
        timeoutMs: job.prepareTimeoutMs,
        onReply: (outcome, cpuMs, wallMs) => {
          metrics.prepareConcluded(wallMs / 1000);
          if (outcome.kind === 'prepared') {
            metrics.prepared(outcome.codeBytes, w.peakRssKib());
            // Its pipeline slot is free: fill it now rather than after the job behind it.
            return this.pump();
          }
          slot.modules.delete(key);
          end();
          this.finish(t, { kind: 'reply', phase: 'prepare', outcome, cpuMs, wallMs });
        },
        onFail: (failure) => {
          metrics.prepareConcluded(undefined);
          end();
          this.onStepFailed(t, no, slot, 'prepare', failure);
        },
      });
    } else if (!job.needsModule) {
      slot.modules.set(key, true);
    }
    w.send({
      message: job.build(this.nextId++),
      owner: t,
      timeoutMs: job.timeoutMs,
      onReply: (outcome, cpuMs, wallMs) => {
        slot.failures = 0;
        end();
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
          else this.requeue(t, no);
          return;
        }
        if (outcome.kind === 'preparation-error' || outcome.kind === 'code-missing')
          slot.modules.delete(key);
        if (outcome.kind === 'prepared') metrics.prepared(outcome.codeBytes, w.peakRssKib());
        this.finish(t, { kind: 'reply', phase: 'run', outcome, cpuMs, wallMs });
        this.pump();
      },
      onFail: (failure) => {
        end();
        this.onStepFailed(t, no, slot, 'run', failure);
      },
    });
    this.ensureTicker();
  }

  private onStepFailed(
    t: Tracked,
    no: number,
    slot: Slot,
    phase: 'prepare' | 'run',
    f: StepFailure,
  ): void {
    if (f.kind === 'not-started') {
      this.requeue(t, no);
      return;
    }
    // A worker that died on its own before finishing anything counts against its slot.
    if (f.kind === 'died') slot.failures++;
    // A kill is logged with the worker's exit; a late answer leaves the worker alive.
    const w = slot.worker;
    if (f.kind === 'timeout' && w?.alive === true)
      logLateReply(
        this.opts.logger,
        slot.index,
        w.pid,
        {
          job: t.id,
          phase,
          kind: this.jobInfo(t)?.kind,
          codeHash: `0x${t.code}`,
        },
        {
          cpuMs: f.cpuMs,
          wallMs: f.wallMs,
          budgetMs: phase === 'prepare' ? t.job.prepareTimeoutMs : t.job.timeoutMs,
        },
      );
    this.finish(t, { kind: 'failed', phase, failure: f });
    // A step that answered past its budget leaves a live worker with a free pipeline slot.
    this.pump();
  }

  /**
   * Queues a job again whose dispatch `no` ended without running it. Both steps of one
   * dispatch can end so (compile and run, taken back together): only the first counts.
   */
  private requeue(t: Tracked, no: number): void {
    if (t.settled || t.dispatchNo !== no) return;
    t.dispatchNo++;
    if (this.closing) {
      this.finish(t, { kind: 'failed', phase: 'run', failure: { kind: 'closed' } });
      return;
    }
    (t.job.needsModule ? this.queue : this.prechecks).requeue(t, t.job.priority);
    // Deferred: the worker that failed it may still be tearing down in this tick.
    setImmediate(() => this.pump());
  }

  private finish(t: Tracked, r: AttemptResult): void {
    if (t.settled) return;
    t.settled = true;
    t.release();
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
      let tookBack = 0;
      for (const s of this.slots) {
        // A retiring worker whose last request ended without a callback (a reply to one taken
        // back from it) is killed here.
        this.killIfRetired(s);
        if (s.worker !== undefined && s.worker.load > 0) {
          busy = true;
          s.worker.check(now);
          // No head-of-line: work queued behind a long job moves to another worker (when
          // there is one that could run it).
          if (s.worker.load > 1 && runningLong(s.worker, now) && this.otherWorker(s, now))
            tookBack += s.worker.takeBackWaiting();
        }
      }
      if (tookBack > 0) this.pump();
      if (!busy) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, CHECK_INTERVAL_MS);
    this.ticker.unref();
  }
}
