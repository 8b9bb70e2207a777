// How worker processes come to life: one small interface, so the pool does not care whether a
// worker is sealed by the sandbox launcher or (explicitly, insecurely) a plain child process.
//
// The channel: stdio ['pipe', 'pipe', 'pipe']. On Linux libuv creates each of these as an
// AF_UNIX socketpair in the parent before the fork (Node has no API for plain pipes), so in
// the worker exactly fds 0 (requests), 1 (frames out) and 2 (stderr) are sockets, connected
// only to this host. That mirrors polkadot-sdk, whose worker channel is a unix socket too
// (polkadot/node/core/pvf/src/worker_interface.rs). The worker cannot make new ones (seccomp
// denies socket/socketpair), the host never passes handles over them and never reads
// ancillary data, and the outside check accepts sockets on fds 0–2 only.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The fds of the worker's channel, as the outside check must allow them. */
export const CHANNEL_FDS = [0, 1, 2] as const;

export interface WorkerSpawner {
  /** True when workers are sealed (seccomp + whatever layers the machine allows). */
  readonly sealed: boolean;
  /** Starts `node <script>` with the channel on stdio; never throws for a late failure. */
  spawn(script: string): ChildProcess;
  /**
   * Checks a started worker from outside (/proc): resolves when it is sealed as promised,
   * rejects with the reason otherwise. The plain spawner has nothing to check.
   */
  verify(pid: number): Promise<void>;
}

/**
 * The environment of every worker: nothing inherited (no NODE_OPTIONS, no proxies), and
 * io_uring off so libuv never creates a ring the seccomp filter would have to police
 * (sandbox research §3).
 */
export const WORKER_ENV: Readonly<Record<string, string>> = Object.freeze({
  UV_USE_IO_URING: '0',
});

/** Plain child processes: used only with the explicit `insecureNoSandbox` option. */
export const insecureSpawner: WorkerSpawner = {
  sealed: false,
  spawn: (script) =>
    spawn(process.execPath, [script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...WORKER_ENV },
      // Its own session: no controlling terminal to inject keystrokes into.
      detached: true,
    }),
  verify: async () => {},
};

/** Where the bundled worker lives: beside the bundled entry point, or under dist/ in a checkout. */
export function defaultWorkerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'worker.js'), resolve(here, '../../dist/worker.js')];
  return candidates.find((p) => existsSync(p)) ?? candidates[1]!;
}
