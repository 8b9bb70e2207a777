// Chooses how workers are spawned: sealed by the sandbox launcher (the default, required),
// or — only with the explicit `insecureNoSandbox` option, loudly — as plain child processes.
import { SandboxUnavailableError } from './errors.js';
import type { HostOptions } from './options.js';
import { insecureSpawner, type WorkerSpawner } from './spawner.js';

export async function chooseSpawner(opts: HostOptions): Promise<WorkerSpawner> {
  if (opts.insecureNoSandbox) {
    opts.logger.warn(
      'WARNING: insecureNoSandbox is set: untrusted PVF code runs in workers WITHOUT seccomp, ' +
        'Landlock or namespaces. Never do this on a validator.',
    );
    return insecureSpawner;
  }
  throw new SandboxUnavailableError(
    'the sandbox launcher is not available; pass insecureNoSandbox to run unsealed (unsafe)',
  );
}
