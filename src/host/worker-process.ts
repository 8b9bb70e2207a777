// One worker process as the host sees it: the handshake, the requests in flight (in order; the
// worker runs them one at a time, so only the head is running), CPU-time and memory checks
// from outside, and how it died. It never interprets anything the worker sends except the
// reply to the request at the head of its own queue; anything else kills the worker.
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { type Frame, FrameReader } from '../../runtime/protocol/frame-reader.js';
import {
  decodeWorkerMessage,
  encodeHostMessage,
  type HostMessage,
  type JobOutcome,
  PROTOCOL_VERSION,
  ProtocolError,
  type SandboxView,
} from '../../runtime/protocol/messages.js';
import { killSealed, sealedExit, sealedPid } from '../sandbox/spawn.js';
import { ProcStat } from './proc-stat.js';
import type { HostLogger } from './options.js';

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

/** One request sent to a worker and what to do with its end. */
export interface Step {
  readonly message: HostMessage;
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
}

export interface WorkerProcessEvents {
  /** The process is gone and every step it held has been failed. */
  onExit(worker: WorkerProcess): void;
}

const STDERR_TAIL_BYTES = 4096;
const MAX_FORWARDED_LOGS = 1000;

export class WorkerProcess {
  /** The pid running the worker's code: the spawned process until the handshake, then
   *  `sealedPid` (in a PID namespace the worker is a child of the spawned `unshare`). */
  pid: number;
  readonly ready: Promise<SandboxView>;
  /** Resolves once the process is gone and its steps have been failed. */
  readonly exited: Promise<void>;
  private settleExited!: () => void;
  private readonly inFlight: InFlight[] = [];
  private readonly reader = new FrameReader();
  private proc: ProcStat | undefined;
  /** The worker's CPU time at the previous check (`check` is the only reader of /proc). */
  private lastCpuMs: number | undefined;
  /** Frames written since the last flush are corked: one writev per tick, not one per job. */
  private corked = false;
  private stepMs: number | undefined;
  private handshakeDone = false;
  private dead = false;
  private killReason: StepFailure | undefined;
  private stderrTail = '';
  private forwardedLogs = 0;
  private settleReady: { resolve(v: SandboxView): void; reject(e: Error): void } | undefined;

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

    child.stdout!.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // EPIPE/ECONNRESET after the worker died: its 'close' is what we act on.
    child.stdin!.on('error', () => {});
    child.stdout!.on('error', () => {});
    child.stderr!.on('error', () => {});
    child.on('error', (e) => this.onGone(null, null, e.message));
    // 'close' comes after the exit *and* after stdout is drained: a reply written just before
    // death is still seen.
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

  /** Requests sent and not yet answered (the first one is running). */
  get load(): number {
    return this.inFlight.length;
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** The last bytes the worker wrote to stderr (diagnostics only). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Sends a step; it starts running when every earlier step has been answered. */
  send(step: Step): void {
    if (this.dead) {
      step.onFail({ kind: 'not-started' });
      return;
    }
    const entry: InFlight = { step, startedAt: 0, baselineCpuMs: undefined };
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

  /** Kills the process (SIGKILL); its steps end with `reason` (the head) or `not-started`. */
  kill(reason: StepFailure): void {
    if (this.dead) return;
    this.killReason ??= reason;
    killSealed(this.child);
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
    }
  }

  private onFrame(f: Frame): void {
    if (this.killReason !== undefined) return;
    const m = decodeWorkerMessage(f.tag, f.id, f.body);
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
        this.settleReady?.resolve(m.sandbox);
        return;
      case 'log':
        if (this.forwardedLogs++ < MAX_FORWARDED_LOGS)
          this.opts.logger.debug?.(`worker ${this.pid}: ${m.message.slice(0, 1024)}`);
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
    if (!this.child.killed && this.child.exitCode === null) this.child.kill('SIGKILL');
    const why =
      spawnError ?? this.stderrTail.trim().split('\n').slice(-1)[0] ?? `exit ${code ?? signal}`;
    this.settleReady?.reject(
      new Error(
        this.killReason?.kind === 'protocol'
          ? this.killReason.message
          : `worker exited before its handshake (${signal ?? `code ${code}`}): ${why}`,
      ),
    );
    const failure: StepFailure = this.killReason ?? { kind: 'died', code, signal };
    const steps = this.inFlight.splice(0);
    steps.forEach((e, i) => e.step.onFail(i === 0 ? failure : { kind: 'not-started' }));
    this.opts.events.onExit(this);
    this.settleExited();
  }
}
