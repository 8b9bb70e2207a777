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

/**
 * How sealed processes get their own PID, IPC and mount namespaces, as Polkadot's job
 * processes do (polkadot-sdk @21c8eb80, polkadot/node/core/pvf/common/src/worker/security/
 * clone.rs, `clone_flags`: CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID, plus
 * CLONE_NEWUSER without root): util-linux `unshare
 * --pid --fork --ipc --mount` around the launcher (a new PID namespace takes effect only for
 * children, and Node cannot fork itself safely), with `--user --map-current-user --keep-caps`
 * when not root (the launcher then holds capabilities only inside its user namespace, enough
 * to build the minimal root, and drops them), and `--net` there too (the launcher cannot
 * unshare a network namespace without root). In front of it, `setpriv --pdeathsig KILL`
 * makes the `unshare` process die with the host, and `--kill-child` makes the launcher die
 * with `unshare`; `prlimit --core=0` keeps `unshare` (which re-raises the signal its child
 * died of, e.g. SIGSYS) from dumping core.
 */
export type IsolationRoute =
  | {
      readonly kind: 'unshare';
      /** argv up to and including `--`; the launcher's argv follows. */
      readonly prefix: readonly string[];
      /** A user namespace is part of it (not root). */
      readonly userNamespace: boolean;
      /** `--net` is part of it. */
      readonly net: boolean;
    }
  | { readonly kind: 'unavailable'; readonly reason: string };

const findTool = (name: string): string | undefined =>
  [`/usr/bin/${name}`, `/bin/${name}`].find((p) => existsSync(p));

const isolationCache = new Map<boolean, IsolationRoute>();

/** The isolation route, with `--net` for an unprivileged host when `net` is asked. Tried once. */
export function isolationRoute(net: boolean): IsolationRoute {
  const cached = isolationCache.get(net);
  if (cached) return cached;
  const route = ((): IsolationRoute => {
    if (process.platform !== 'linux') return { kind: 'unavailable', reason: 'not Linux' };
    const [unshare, setpriv, prlimit] = ['unshare', 'setpriv', 'prlimit'].map(findTool);
    if (!unshare || !setpriv)
      return { kind: 'unavailable', reason: 'util-linux unshare and setpriv not found' };
    const user = !isRoot();
    const flags = [
      ...(user ? ['--user', '--map-current-user', '--keep-caps'] : []),
      '--pid',
      '--fork',
      '--kill-child',
      '--ipc',
      '--mount',
      '--propagation',
      'private',
      ...(user && net ? ['--net'] : []),
    ];
    const r = spawnSync(unshare, [...flags, 'true'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 5000,
    });
    if (r.status !== 0) {
      const why = r.stderr?.toString().trim().split('\n')[0] || `exit ${r.status}`;
      return {
        kind: 'unavailable',
        reason: `${unshare} ${flags.join(' ')} refused: ${why}`,
      };
    }
    return {
      kind: 'unshare',
      prefix: [
        ...(prlimit ? [prlimit, '--core=0', '--'] : []),
        setpriv,
        '--pdeathsig',
        'KILL',
        '--',
        unshare,
        ...flags,
        '--',
      ],
      userNamespace: user,
      net: user && net,
    };
  })();
  isolationCache.set(net, route);
  return route;
}
