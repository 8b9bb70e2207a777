// What this machine offers, read without FFI and without sealing anything: enough to decide
// which layers to ask the launcher for. Whether a sealed process really gets them is
// answered by probeSandbox() (probe.ts), which launches one.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export type Support = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

let seccompCache: Support | undefined;

/** Whether the seccomp network filter can be installed: Linux, x86_64, seccomp filters on. */
export function seccompSupport(): Support {
  seccompCache ??= (() => {
    if (process.platform !== 'linux')
      return { ok: false, reason: `not Linux (${process.platform}): no seccomp` };
    if (process.arch !== 'x64')
      return { ok: false, reason: `${process.arch}: the filter is written for x86_64 only` };
    if (!/^Seccomp:/m.test(read('/proc/self/status') ?? ''))
      return { ok: false, reason: 'kernel built without CONFIG_SECCOMP' };
    const actions = read('/proc/sys/kernel/seccomp/actions_avail');
    if (actions === null)
      return { ok: false, reason: 'kernel built without CONFIG_SECCOMP_FILTER' };
    for (const a of ['errno', 'kill_process'])
      if (!actions.split(/\s+/).includes(a))
        return { ok: false, reason: `seccomp action ${a} unavailable` };
    return { ok: true };
  })();
  return seccompCache;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** How a sealed process gets a new network namespace here, if at all. */
export type NetnsRoute =
  | { readonly kind: 'launcher' }
  | { readonly kind: 'user-namespace'; readonly unshare: string }
  | { readonly kind: 'unavailable'; readonly reason: string };

let netnsCache: NetnsRoute | undefined;

/**
 * Root: the launcher unshares (it may still fail, e.g. under a container's seccomp profile;
 * the launcher then reports it). Otherwise a user namespace made by util-linux `unshare`
 * around the launcher, tried once (unshare(CLONE_NEWUSER) is refused in a multithreaded
 * process such as Node, so it cannot be done from the launcher itself).
 */
export function netnsRoute(): NetnsRoute {
  netnsCache ??= (() => {
    if (process.platform !== 'linux') return { kind: 'unavailable', reason: 'not Linux' };
    if (isRoot()) return { kind: 'launcher' };
    const unshare = ['/usr/bin/unshare', '/bin/unshare'].find((p) => existsSync(p));
    if (!unshare)
      return { kind: 'unavailable', reason: 'not root and util-linux unshare not found' };
    const r = spawnSync(unshare, ['--user', '--map-current-user', '--net', 'true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 5000,
    });
    if (r.status === 0) return { kind: 'user-namespace', unshare };
    const why = r.stderr?.toString().trim().split('\n')[0] || `exit ${r.status}`;
    return { kind: 'unavailable', reason: `not root and user namespaces refused (${why})` };
  })();
  return netnsCache;
}
