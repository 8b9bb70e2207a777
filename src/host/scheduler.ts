// The bounded queue of jobs waiting for a worker, with the reference's priority scheduling
// (polkadot/node/core/pvf/src/execute/queue.rs, `Unscheduled`): within a window of 12
// scheduled jobs each priority may take at most its threshold share of what it and the lower
// priorities got — disputes 70 %, approvals 80 % of the rest, backing of system parachains
// 100 % of the rest — so higher priorities come first but backing is never starved. With all
// kinds waiting, a window holds 8 disputes, 3 approvals, 1 backing.

/** The reference's node-side `PvfExecKind`, highest priority first. */
export const PRIORITIES = ['dispute', 'approval', 'backing-system-paras', 'backing'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** `SCHEDULING_WINDOW_SIZE`. */
const WINDOW = 12;
/** `PRIORITY_ALLOCATION_THRESHOLDS`, in the order of PRIORITIES. */
const THRESHOLDS = [70, 80, 100, 100] as const;

/** A FIFO of one priority, as an array with a moving head (amortised O(1) both ends). */
class Lane<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(x: T): void {
    this.items.push(x);
  }

  unshift(x: T): void {
    if (this.head > 0) this.items[--this.head] = x;
    else this.items.unshift(x);
  }

  first(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }

  /** Removes and returns the first of the first `max` items that `pred` accepts. */
  takeFirst(pred: (x: T) => boolean, max: number): T | undefined {
    const end = Math.min(this.items.length, this.head + max);
    for (let i = this.head; i < end; i++)
      if (pred(this.items[i]!)) return this.items.splice(i, 1)[0];
    return undefined;
  }

  /** Whether one of the first `max` items satisfies `pred`. */
  some(pred: (x: T) => boolean, max: number): boolean {
    const end = Math.min(this.items.length, this.head + max);
    for (let i = this.head; i < end; i++) if (pred(this.items[i]!)) return true;
    return false;
  }

  drain(): T[] {
    const all = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return all;
  }
}

export class Scheduler<T> {
  private readonly lanes = PRIORITIES.map(() => new Lane<T>());
  private readonly counter = [0, 0, 0, 0];
  private queued = 0;

  constructor(private readonly bound: number) {}

  get size(): number {
    return this.queued;
  }

  /** Adds a job at the back of its lane; false when the queue is full. */
  push(job: T, priority: Priority): boolean {
    if (this.queued >= this.bound) return false;
    this.lanes[PRIORITIES.indexOf(priority)]!.push(job);
    this.queued++;
    return true;
  }

  /**
   * Puts back a job that was handed to a worker but never started (its worker died with it
   * still queued behind another job). It goes first in its lane and ignores the bound: it was
   * already admitted once.
   */
  requeue(job: T, priority: Priority): void {
    this.lanes[PRIORITIES.indexOf(priority)]!.unshift(job);
    this.queued++;
  }

  /** The job `next()` would take, left in place (the pool checks it can be placed first). */
  peek(): T | undefined {
    if (this.queued === 0) return undefined;
    return this.lanes[this.pick()]!.first();
  }

  /** Takes the next job by the reference's `select_next_priority` + `mark_scheduled`. */
  next(): T | undefined {
    if (this.queued === 0) return undefined;
    const pick = this.pick();
    const job = this.lanes[pick]!.shift()!;
    this.mark(pick);
    return job;
  }

  // `mark_scheduled`, after a job left lane `p`.
  private mark(p: number): void {
    this.queued--;
    this.counter[p]!++;
    if (this.counter.reduce((a, b) => a + b, 0) >= WINDOW) this.counter.fill(0);
  }

  /**
   * Takes the first job, in priority order, that `pred` accepts, looking at most at `max`
   * jobs: for a job that can run now while the one `next()` would pick must wait for its
   * worker (verdict isolation binds workers to code). Counted like `next()`.
   */
  takeFirst(pred: (job: T) => boolean, max: number): T | undefined {
    let left = max;
    for (let p = 0; p < PRIORITIES.length && left > 0; p++) {
      const lane = this.lanes[p]!;
      const job = lane.takeFirst(pred, left);
      if (job !== undefined) {
        this.mark(p);
        return job;
      }
      left -= lane.length;
    }
    return undefined;
  }

  /** Whether a queued job (among the first `max` of each lane) satisfies `pred`. */
  find(pred: (job: T) => boolean, max: number): boolean {
    return this.lanes.some((l) => l.some(pred, max));
  }

  // `select_next_priority`: the highest priority with work that has not reached its threshold.
  private pick(): number {
    for (let p = 0; p < PRIORITIES.length; p++)
      if (this.lanes[p]!.length > 0 && !this.reachedThreshold(p)) return p;
    return this.lanes.findIndex((l) => l.length > 0);
  }

  /** Removes and returns every queued job (for close()). */
  drain(): T[] {
    this.queued = 0;
    return this.lanes.flatMap((l) => l.drain());
  }

  // `has_reached_threshold`: count * 100 / (scheduled at this priority or lower) >= threshold.
  private reachedThreshold(p: number): boolean {
    let total = 0;
    for (let q = p; q < PRIORITIES.length; q++) total += this.counter[q]!;
    if (total === 0) return false;
    return Math.floor((this.counter[p]! * 100) / total) >= THRESHOLDS[p]!;
  }
}
