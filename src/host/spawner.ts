// How worker processes come to life: one small interface (so the pool does not care how a
// worker is made, and tests can wrap it), implemented by the sandbox's sealed launcher.
//
// The channel is stdio ['pipe', 'pipe', 'pipe']. On Linux libuv creates each of these as an
// AF_UNIX socketpair in the parent before the fork (Node has no API for plain pipes), so in
// the worker exactly fds 0 (requests), 1 (frames out) and 2 (stderr) are sockets, connected
// only to this host. That mirrors polkadot-sdk, whose worker channel is a unix socket too
// (polkadot/node/core/pvf/src/worker_interface.rs). The worker cannot make new ones (seccomp
// denies socket/socketpair), the host never passes handles over them and never reads
// ancillary data, and verifySealed accepts sockets on fds 0–2 only.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { COMPILE_MODE_ENV, type CompileMode } from '../../runtime/engine/compile.js';
import { NATIVE_CRYPTO_ENV } from '../../runtime/host/native-crypto-env.js';
import { installedDist } from '../sandbox/installed-dist.js';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  resolveSandboxOptions,
  type SandboxOptions,
  sealExpectations,
  type SealedSpawnOptions,
  spawnSealed,
  verifySealed,
} from '../sandbox/index.js';

export interface WorkerSpawner {
  /** Starts `node <script>` with the channel on stdio. */
  spawn(script: string): ChildProcess;
  /**
   * Checks a started worker from outside (/proc): resolves when it is sealed as promised,
   * rejects with the reason otherwise (such a worker is killed and never given work).
   */
  verify(pid: number, script: string): Promise<void>;
}

/**
 * Node flags every worker starts with. `--single-threaded-gc`: a validation of a PVF that grows
 * its memory (Polkadot's adder does on every call) is mostly V8 collecting the fresh
 * `WebAssembly.Memory`; with GC helper threads, workers compete for cores they do not need.
 * Measured with `npm run bench -- host` (see README, Performance). It cannot be set at run time.
 * `--no-memory-reducer`: after about 8 s without work, V8's memory reducer shrinks the heap with
 * a few full collections, and the next validations grow it back with many more. A worker waits
 * seconds between a validator's blocks: on a full Asset Hub block (1,094 transfers; in-process
 * with the workers' flags, 12 s waits), the first validation after a wait ran 6–12 collections
 * (13–27 ms paused, marking steps aside) with the reducer and 1–3 (2–11 ms) without, and the
 * first three after a wait took a median of 238 ms against 183 ms (README, Performance: after
 * idle). The cost: a worker keeps the heap its validations grew (tens of MB), which its memory
 * limit bounds.
 * Not `--no-wasm-lazy-compilation` or `--no-liftoff`: workers compile each PVF eagerly at
 * prepare by switching those flags on around the compile only (runtime/engine/compile.ts),
 * which also works on Node 24, where the first set for the whole process makes every
 * asynchronous wasm compile hang, and leaves the worker's own wasm (hashing) compiled as usual.
 */
export const WORKER_NODE_FLAGS: readonly string[] = ['--single-threaded-gc', '--no-memory-reducer'];

/**
 * Workers sealed by the sandbox launcher with every layer the machine offers.
 * @throws {SandboxUnavailableError} at the first spawn if the seccomp filter is unavailable
 *   and `sandbox.insecureNoSandbox` is not set.
 */
export function sealedSpawner(
  sandbox: Partial<SandboxOptions>,
  {
    nativeCrypto = true,
    compile,
  }: {
    readonly nativeCrypto?: boolean;
    /** The workers' compilation mode, when not their default (runtime/engine/compile.ts). */
    readonly compile?: CompileMode;
  } = {},
): WorkerSpawner {
  const env: Record<string, string> = {
    ...(nativeCrypto ? {} : { [NATIVE_CRYPTO_ENV]: '0' }),
    ...(compile === undefined ? {} : { [COMPILE_MODE_ENV]: compile }),
  };
  const opts = (script: string): SealedSpawnOptions => ({
    script,
    nodeFlags: WORKER_NODE_FLAGS,
    stdio: ['pipe', 'pipe', 'pipe'],
    sandbox,
    ...(Object.keys(env).length === 0 ? {} : { env }),
  });
  const insecure = resolveSandboxOptions(sandbox).insecureNoSandbox;
  return {
    spawn: (script) => spawnSealed(opts(script)),
    verify: async (pid, script) => {
      const report = verifySealed(pid, sealExpectations(opts(script)));
      if (report.kind === 'sealed') return;
      if (report.kind === 'gone') throw new Error('worker exited before the outside check');
      // With the explicit opt-out on a machine without seccomp, an unsealed worker is the
      // expected (and loudly logged) state.
      if (insecure && report.problems.every((p) => /Seccomp|NoNewPrivs/.test(p))) return;
      throw new Error(`worker failed the outside check: ${report.problems.join('; ')}`);
    },
  };
}

/**
 * Where the bundled worker lives: beside the bundled entry point, under dist/ in a checkout,
 * or — when an application bundled this code into its own file — in the installed package,
 * found by Node's resolution from the application (see installedDist).
 */
export function defaultWorkerScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'worker.js'), resolve(here, '../../dist/worker.js')];
  const installed = installedDist(import.meta.url);
  if (installed !== undefined) candidates.push(join(installed, 'worker.js'));
  return candidates.find((p) => existsSync(p)) ?? candidates[1]!;
}
