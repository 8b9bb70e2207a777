// One worker process as the host sees it: the handshake, the requests in flight (in order; the
// worker runs them one at a time, so only the head is running), CPU-time and memory checks
// from outside, and how it died. It never interprets anything the worker sends except the
// reply to the request at the head of its own queue; anything else kills the worker.
//
// Its end is the process's 'exit', never the pipes' 'close' alone (the reference watches EOF on
// its worker's stdout, polkadot/node/core/pvf/src/worker_interface.rs `WorkerHandle`, but its
// job processes close the worker's socket and cannot keep it open): a descendant that inherited
// the worker's stdio keeps the pipes open after the worker is gone, so after 'exit' the host
// drains stdout for at most DRAIN_MS, then ends every step it held and closes its own ends.
// Kills go to the whole process group (the launcher's `setsid` makes the worker its leader).
// Over 400 lines: the in-flight steps, the frame stream and the process's end are one state
// machine (a step ends on a reply, a breach, or the exit) and stay in one place.
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { type Frame, FrameReader } from '../../runtime/protocol/frame-reader.js';
import {
  decodeWorkerMessage,
  encodeHostMessage,
  type HostMessage,
  type JobOutcome,
  MAX_WORKER_FRAME_BYTES,
  PROTOCOL_VERSION,
  ProtocolError,
  type ReplyLimits,
  type SandboxView,
} from '../../runtime/protocol/messages.js';
import { killSealed, sealedExit, sealedPid } from '../sandbox/spawn.js';
import { ProcStat } from './proc-stat.js';
import { emit, type HostLogger } from './log.js';

/**
 * `JOB_TIMEOUT_WALL_CLOCK_FACTOR` (polkadot/node/core/pvf/common/src/lib.rs): the wall-clock
 * backstop is 4 × the CPU-time budget, "lenient because CPU time may go slower than wall clock
 * time".
 */
export const WALL_CLOCK_FACTOR = 4;

/** Why a step ended without a reply. */
export type StepFailure =
  /** It ran past its CPU budget (or the wall-clock backstop); the worker was killed. */
  | { readonly kind: 'timeout'; readonly cpuMs: number; readonly wallMs: number }
  /** The worker crossed the resident-memory ceiling while running it; it was killed. */
  | { readonly kind: 'memory-limit'; readonly rssBytes: number }
  /** The worker sent something that is not the reply to its head request; it was killed. */
  | { readonly kind: 'protocol'; readonly message: string }
  /** The worker died on its own while running it. */
  | { readonly kind: 'died'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  /** The host closed the worker. */
  | { readonly kind: 'closed' }
  /** It was queued behind the running step when the worker went away: it never started. */
  | { readonly kind: 'not-started' };

/** How a worker's steps can end when the worker goes away (every failure but `not-started`). */
export type KillReason = Exclude<StepFailure, { kind: 'not-started' }>;

/** One request sent to a worker and what to do with its end. */
export interface Step {
  readonly message: HostMessage;
  /** The job it belongs to: a step is never taken back from behind a step of its own job. */
  readonly owner: object;
  /** CPU-time budget in ms, counted from the moment the step becomes the head. */
  readonly timeoutMs: number;
  onReply(outcome: JobOutcome, cpuMs: number, wallMs: number): void;
  onFail(failure: StepFailure): void;
}

interface InFlight {
  readonly step: Step;
  startedAt: number;
  /** The worker's CPU time (from /proc) when the step started; set at the first check after. */
  baselineCpuMs: number | undefined;
  /**
   * Taken back by the pool before it started (it waited behind a long step): the worker will
   * still run it, but its reply is read and dropped, and its end is nobody's outcome.
   */
  abandoned: boolean;
}

/** How a worker ended, for the operator log (the pool reads it in `onExit`). */
export interface WorkerEnd {
  /** Why the host killed it (`closed`: retired or shut down), or `died` on its own. */
  readonly failure: KillReason;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** From spawn to exit, wall ms. */
  readonly lifetimeMs: number;
  /** The step running when it ended, if any, and for how long it had run. */
  readonly running: { readonly step: Step; readonly ms: number } | undefined;
  /** The last line it wrote to stderr, if any. */
  readonly stderr: string | undefined;
}

export interface WorkerProcessEvents {
  /** The process is gone and every step it held has been failed. */
  onExit(worker: WorkerProcess): void;
}

const STDERR_TAIL_BYTES = 4096;
const MAX_FORWARDED_LOGS = 1000;
/**
 * After the worker's 'exit', how long stdout is still read before its steps end (a reply
 * written just before death is in the socket buffer already: reading it takes microseconds).
 */
export const DRAIN_MS = 100;
/**
 * How long a worker with nothing in flight may sit on a partial frame before it is killed: an
 * honest worker writes each reply whole while its request is in flight, so bytes of a frame
 * that is still incomplete when nothing is running can only be a worker stalling its channel.
 */
export const PARTIAL_FRAME_MS = 100;

export class WorkerProcess {
  /** The pid running the worker's code: the spawned process until the handshake, then
   *  `sealedPid` (in a PID namespace the worker is a child of the spawned `unshare`). */
  pid: number;
  readonly ready: Promise<SandboxView>;
  /** What the worker reported serving secp256k1 recovery with, in its handshake (operators). */
  secp256k1: string | undefined;
  /** The same for sr25519 and ed25519 verification (the curve25519 addon or its fallbacks). */
  curve25519: string | undefined;
  /** Resolves once the process is gone and its steps have been failed. */
  readonly exited: Promise<void>;
  private settleExited: () => void = () => {};
  private readonly inFlight: InFlight[] = [];
  private readonly reader = new FrameReader(MAX_WORKER_FRAME_BYTES);
  private proc: ProcStat | undefined;
  /** The worker's CPU time at the previous check (`check` is the only reader of /proc). */
  private lastCpuMs: number | undefined;
  /** Frames written since the last flush are corked: one writev per tick, not one per job. */
  private corked = false;
  private stepMs: number | undefined;
  private handshakeDone = false;
  private dead = false;
  private killReason: KillReason | undefined;
  private stderrTail = '';
  private forwardedLogs = 0;
  private settleReady: { resolve(v: SandboxView): void; reject(e: Error): void } | undefined;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private partialTimer: NodeJS.Timeout | undefined;
  private readonly spawnedAt = performance.now();
  /** Set once the process is gone (before `onExit`). */
  end: WorkerEnd | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly opts: {
      readonly cacheEntries: number;
      readonly spawnTimeoutMs: number;
      readonly memoryLimitBytes: number;
      readonly logger: HostLogger;
      readonly events: WorkerProcessEvents;
    },
  ) {
    this.pid = child.pid ?? -1;
    this.exited = new Promise<void>((resolve) => {
      this.settleExited = resolve;
    });
    this.ready = new Promise<SandboxView>((resolve, reject) => {
      this.settleReady = { resolve, reject };
    });
    // Nobody may be left with an unhandled rejection if the pool never awaits a dead worker.
    this.ready.catch(() => {});
    const timer = setTimeout(
      () =>
        this.kill({ kind: 'protocol', message: `no handshake within ${opts.spawnTimeoutMs} ms` }),
      opts.spawnTimeoutMs,
    );
    timer.unref();
    void this.ready.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );

    // Unref'd: an idle host must not hold the caller's process open. Pending jobs hold it
    // through the pool's KeepAlive instead.
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr])
      (s as { unref?: () => void } | null)?.unref?.();
    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // EPIPE/ECONNRESET after the worker died: its 'exit' is what we act on.
    child.stdin!.on('error', () => {});
    child.stdout!.on('error', () => {});
    child.stderr!.on('error', () => {});
    child.on('error', (e) => this.onGone(null, null, e.message));
    // 'close' comes after the exit *and* after stdout is drained, unless a descendant still
    // holds the pipes: then the drain bound ends it.
    child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.killTree();
      setTimeout(() => this.onGone(code, signal), DRAIN_MS).unref();
    });
    child.on('close', (code, signal) => this.onGone(code, signal));
    if (child.pid === undefined) return;
    this.write({ tag: 'hello', id: 0, version: PROTOCOL_VERSION, cacheEntries: opts.cacheEntries });
  }

  /**
   * How long its jobs run, in wall ms: the moving average of its answered executions and calls,
   * or the running step's time so far when that is longer; undefined before the first answer.
   */
  jobMs(now: number): number | undefined {
    const head = this.inFlight[0];
    const running = head === undefined ? 0 : now - head.startedAt;
    return this.stepMs === undefined ? undefined : Math.max(this.stepMs, running);
  }

  /** Requests sent and not yet answered (the first one is running), abandoned ones included. */
  get load(): number {
    return this.inFlight.length;
  }

  /** The moving average of its answered executions and calls, in wall ms (none yet: undefined). */
  get typicalMs(): number | undefined {
    return this.stepMs;
  }

  /** How long the running step has run, in wall ms (0 when none is running). */
  runningMs(now: number): number {
    const head = this.inFlight[0];
    return head === undefined ? 0 : now - head.startedAt;
  }

  /**
   * Takes back every step waiting behind the running one: each ends at once with
   * `not-started` (the pool queues it again), and the worker's later reply to it is dropped.
   * Returns how many were taken.
   */
  takeBackWaiting(): number {
    let n = 0;
    const running = this.inFlight[0]?.step.owner;
    for (const e of this.inFlight.slice(1))
      if (!e.abandoned && e.step.owner !== running) {
        e.abandoned = true;
        n++;
        e.step.onFail({ kind: 'not-started' });
      }
    return n;
  }

  /** Its peak resident memory so far in KiB (/proc `VmHWM`); undefined off Linux or once gone. */
  peakRssKib(): number | undefined {
    return this.dead ? undefined : this.proc?.peakRssKib();
  }

  /** False from the process's exit on (its steps may still be draining for DRAIN_MS). */
  get alive(): boolean {
    return !this.dead && this.exit === undefined;
  }

  /** The last bytes the worker wrote to stderr (diagnostics only). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Sends a step; it starts running when every earlier step has been answered. */
  send(step: Step): void {
    if (this.dead || this.killReason !== undefined) {
      step.onFail({ kind: 'not-started' });
      return;
    }
    if (this.inFlight.length === 0 && !this.reader.idle()) {
      // Whatever it sends next would be read as the reply to this step.
      this.kill({ kind: 'protocol', message: 'an idle worker held a partial frame' });
      step.onFail({ kind: 'not-started' });
      return;
    }
    const entry: InFlight = { step, startedAt: 0, baselineCpuMs: undefined, abandoned: false };
    this.inFlight.push(entry);
    if (this.inFlight.length === 1) this.start(entry);
    this.write(step.message);
  }

  /**
   * Checks the running step against its CPU budget (from /proc, not from the worker) and the
   * wall-clock backstop, and the process against the memory ceiling; kills on breach.
   * Called periodically by the pool while steps are in flight: /proc is read here, once per
   * check, never per job (a read costs ~7 µs and was 13 % of the host's time per adder job).
   */
  check(now: number): void {
    if (this.dead || this.proc === undefined) return;
    const rss = this.proc.rssBytes();
    if (rss !== undefined && rss > this.opts.memoryLimitBytes) {
      this.kill({ kind: 'memory-limit', rssBytes: rss });
      return;
    }
    const cpu = this.proc.cpuMillis();
    const previous = this.lastCpuMs;
    this.lastCpuMs = cpu;
    const head = this.inFlight[0];
    if (head === undefined) return;
    const wallMs = now - head.startedAt;
    if (cpu !== undefined && head.baselineCpuMs === undefined) {
      // It started after the previous check. What it has used since is at most the worker's
      // CPU time since then and at most the wall time since it started (one thread runs jobs).
      const used = previous === undefined ? wallMs : Math.min(wallMs, cpu - previous);
      head.baselineCpuMs = cpu - Math.max(0, used);
    }
    const cpuMs =
      cpu === undefined || head.baselineCpuMs === undefined ? 0 : cpu - head.baselineCpuMs;
    const budget = head.step.timeoutMs;
    if (cpuMs >= budget || wallMs >= budget * WALL_CLOCK_FACTOR)
      this.kill({ kind: 'timeout', cpuMs, wallMs });
  }

  /**
   * Kills the process and its process group (SIGKILL); its steps end with `reason` (the head)
   * or `not-started`.
   */
  kill(reason: KillReason): void {
    if (this.dead) return;
    this.killReason ??= reason;
    this.killTree();
  }

  /**
   * SIGKILL to the worker's process group, then to the worker itself. The launcher's `setsid`
   * makes the worker the leader of its own group, so this reaches every descendant that did
   * not leave the group; one that calls `setsid` itself dies with the worker's PID namespace
   * (the worker is its pid 1), where the machine gives workers one. Before `setsid` the group does not exist yet and only the worker is signalled. A
   * group id stays reserved while any member lives, so after the worker's exit the signal can
   * only reach its own leftovers.
   */
  private killTree(): void {
    if (this.pid > 0)
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // ESRCH: no group (not yet sealed, or every member gone).
      }
    // The worker itself: in a PID namespace, pid 1 of it, whose death ends every process there.
    if (this.exit === undefined) killSealed(this.child);
  }

  private start(entry: InFlight): void {
    entry.startedAt = performance.now();
    entry.baselineCpuMs = undefined;
  }

  private write(m: HostMessage): void {
    const stdin = this.child.stdin!;
    // One writev per tick for every frame sent in it (a pipelined batch, or one frame's
    // chunks, whose payloads are written from the caller's buffers): a write to the worker's
    // socket costs ~7 µs of host time, and the worker then reads the batch in one read.
    if (!this.corked) {
      this.corked = true;
      stdin.cork();
      process.nextTick(this.flush);
    }
    for (const c of encodeHostMessage(m)) stdin.write(c);
  }

  private readonly flush = (): void => {
    this.corked = false;
    this.child.stdin!.uncork();
  };

  private onData(chunk: Buffer): void {
    if (this.dead || this.killReason !== undefined) return;
    try {
      this.reader.feed(chunk, (f) => this.onFrame(f));
    } catch (e) {
      const message = e instanceof ProtocolError ? e.message : String(e);
      this.kill({ kind: 'protocol', message });
      return;
    }
    this.watchPartialFrame();
  }

  /** Arms (or clears) the idle-partial-frame bound after each read. */
  private watchPartialFrame(): void {
    const stalled = this.handshakeDone && this.inFlight.length === 0 && !this.reader.idle();
    if (!stalled) {
      if (this.partialTimer !== undefined) clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
      return;
    }
    this.partialTimer ??= setTimeout(() => {
      this.partialTimer = undefined;
      if (this.inFlight.length === 0 && !this.reader.idle())
        this.kill({
          kind: 'protocol',
          message: `an idle worker held a partial frame for ${PARTIAL_FRAME_MS} ms`,
        });
    }, PARTIAL_FRAME_MS);
    this.partialTimer.unref();
  }

  /** The bounds of a reply to the running step (the executor params it was sent with). */
  private replyLimits(): ReplyLimits | undefined {
    const m = this.inFlight[0]?.step.message;
    return m === undefined || m.tag === 'hello'
      ? undefined
      : { maxLogBytes: m.code.params.maxLogBytes };
  }

  private onFrame(f: Frame): void {
    if (this.killReason !== undefined) return;
    const m = decodeWorkerMessage(f.tag, f.id, f.body, this.replyLimits());
    switch (m.tag) {
      case 'ready':
        if (this.handshakeDone) throw new ProtocolError('a second handshake');
        if (m.version !== PROTOCOL_VERSION)
          throw new ProtocolError(`worker speaks protocol ${m.version}, host ${PROTOCOL_VERSION}`);
        this.handshakeDone = true;
        this.pid = sealedPid(this.child) ?? this.pid;
        try {
          this.proc = new ProcStat(this.pid);
        } catch {
          // Not Linux, or already gone: CPU and memory checks fall back to the wall clock.
        }
        // The worker's start-up is nobody's budget: a step sent before the handshake counts
        // from here.
        this.lastCpuMs = this.proc?.cpuMillis();
        if (this.inFlight[0] !== undefined) this.inFlight[0].baselineCpuMs = this.lastCpuMs;
        this.secp256k1 = m.secp256k1;
        this.curve25519 = m.curve25519;
        this.settleReady?.resolve(m.sandbox);
        return;
      case 'log':
        if (this.forwardedLogs++ < MAX_FORWARDED_LOGS)
          emit(
            this.opts.logger,
            'debug',
            { event: 'worker-message', pid: this.pid },
            m.message.slice(0, 1024),
          );
        return;
      case 'result': {
        if (!this.handshakeDone) throw new ProtocolError('a result before the handshake');
        const head = this.inFlight[0];
        if (head === undefined || head.step.message.id !== m.id)
          throw new ProtocolError(`reply to request ${m.id}, which is not the running one`);
        this.inFlight.shift();
        const now = performance.now();
        const next = this.inFlight[0];
        if (next !== undefined) this.start(next);
        if (head.abandoned) return;
        // The worker's own getrusage around the job, as the reference's execute worker measures
        // its job: `cpu_tv >= timeout` is `JobTimedOut` even when the job answered
        // (polkadot/node/core/pvf/execute-worker/src/lib.rs, `handle_parent_process`).
        const cpuMs = m.cpuMicros / 1000;
        const wallMs = now - head.startedAt;
        if (head.step.message.tag !== 'prepare')
          this.stepMs = this.stepMs === undefined ? wallMs : 0.8 * this.stepMs + 0.2 * wallMs;
        if (cpuMs >= head.step.timeoutMs) head.step.onFail({ kind: 'timeout', cpuMs, wallMs });
        else head.step.onReply(m.outcome, cpuMs, wallMs);
        return;
      }
    }
  }

  private onGone(
    rawCode: number | null,
    rawSignal: NodeJS.Signals | null,
    spawnError?: string,
  ): void {
    if (this.dead) return;
    const { code, signal } = sealedExit(this.child, rawCode, rawSignal, this.stderrTail);
    this.dead = true;
    this.proc?.close();
    if (this.partialTimer !== undefined) clearTimeout(this.partialTimer);
    // Descendants still holding the pipes get EOF/EPIPE; nothing of ours waits on them.
    this.killTree();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) s?.destroy();
    const why =
      spawnError ?? this.stderrTail.trim().split('\n').slice(-1)[0] ?? `exit ${code ?? signal}`;
    this.settleReady?.reject(
      new Error(
        this.killReason?.kind === 'protocol'
          ? this.killReason.message
          : `worker exited before its handshake (${signal ?? `code ${code}`}): ${why}`,
      ),
    );
    const failure: KillReason = this.killReason ?? { kind: 'died', code, signal };
    const head = this.inFlight[0];
    const now = performance.now();
    this.end = {
      failure,
      code,
      signal,
      lifetimeMs: now - this.spawnedAt,
      running:
        head === undefined || head.abandoned
          ? undefined
          : { step: head.step, ms: now - head.startedAt },
      stderr: this.stderrTail.trim().split('\n').slice(-1)[0] || undefined,
    };
    const steps = this.inFlight.splice(0);
    steps.forEach((e, i) => {
      if (!e.abandoned) e.step.onFail(i === 0 ? failure : { kind: 'not-started' });
    });
    this.opts.events.onExit(this);
    void groupGone(this.pid).then(this.settleExited);
  }
}

/** How long `exited` waits for the rest of a killed worker's process group to disappear. */
const GROUP_GONE_MS = 2000;

/**
 * Resolves when no process of group `pgid` is left (or after GROUP_GONE_MS: a member stuck in
 * the kernel, or a zombie nobody reaps, is past signalling anyway).
 */
async function groupGone(pgid: number): Promise<void> {
  if (pgid <= 0) return;
  const end = performance.now() + GROUP_GONE_MS;
  for (let wait = 1; performance.now() < end; wait = Math.min(50, wait * 2)) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}
