// Turns sandbox options and a program into a launch plan: the launcher's configuration
// (layers, read-only paths, the BPF program), the command that starts it, and what the
// sealed process must look like from outside. Enforces the secure-mode policy.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  LAUNCH_CONFIG_VERSION,
  encodeLaunchConfig,
  type LaunchConfig,
  type LayerMode,
} from '../../native/launch-config.js';
import { workerSeccompProgram } from '../../native/linux/policy.js';
import {
  isolationRoute,
  isRoot,
  netnsRoute,
  seccompSupport,
  type IsolationRoute,
  type Support,
} from './host-support.js';
import { SandboxOptionsError, SandboxUnavailableError, type SandboxOptions } from './options.js';
import { unreadableReason } from './access.js';
import { installedDist } from './installed-dist.js';
import { programFiles, programNames } from './program-files.js';
import type { SealExpectations } from './verify.js';

/** A program to run sealed. */
export interface SealedTarget {
  /** Absolute path of the executable. */
  readonly path: string;
  /** Full argv, argv[0] included. */
  readonly argv: readonly string[];
  /** The complete environment of the sealed program. */
  readonly env: Readonly<Record<string, string>>;
  /** Read-only paths beyond the program's own files and `options.allowRead`. */
  readonly readPaths: readonly string[];
  /** May start new processes (`pvf sandbox run`); workers may not (native/linux/policy.ts). */
  readonly newProcesses?: boolean;
}

export interface LaunchPlan {
  /** What child_process.spawn runs (the launcher, possibly wrapped by `unshare`). */
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** null when the launcher is bypassed (insecure mode where the launcher cannot run). */
  readonly config: LaunchConfig | null;
  /** Why this launch is insecure, or null. */
  readonly insecure: string | null;
  readonly expect: SealExpectations;
}

const OPENSSL_CNF = '/etc/ssl/openssl.cnf';

/** The launcher beside this bundle (dist/), dist/ of the source tree, or the installed package's. */
export function defaultLauncherPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'launcher.js'), join(here, '..', '..', 'dist', 'launcher.js')];
  // An application that bundled this code: the installed package's (see installedDist).
  const installed = installedDist(import.meta.url);
  if (installed !== undefined) candidates.push(join(installed, 'launcher.js'));
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new SandboxUnavailableError(
      `launcher bundle not found (looked at ${candidates.join(', ')}); run npm run build`,
    );
  return found;
}

/** Files Node itself needs to start (sandbox.md §4.1): the binary, its libraries, and
 *  OpenSSL's configuration (without it Node exits with "OpenSSL configuration error"). */
export function nodeRuntimeFiles(): string[] {
  return [
    ...programFiles(process.execPath),
    ...(existsSync(OPENSSL_CNF) ? [realpathSync(OPENSSL_CNF)] : []),
  ];
}

export type SecureModeDecision =
  | { readonly kind: 'sealed' }
  | { readonly kind: 'insecure'; readonly reason: string }
  | { readonly kind: 'refuse'; readonly reason: string };

/**
 * The secure-mode policy, like Polkadot's (polkadot/node/core/pvf/src/security.rs: a missing
 * seccomp is never allowed in secure validator mode): running untrusted code needs at least
 * the seccomp network filter; without it, only the explicit insecure opt-out runs anything.
 */
export function secureModeDecision(
  seccomp: Support,
  options: Pick<SandboxOptions, 'insecureNoSandbox'>,
): SecureModeDecision {
  if (seccomp.ok) return { kind: 'sealed' };
  if (options.insecureNoSandbox) return { kind: 'insecure', reason: seccomp.reason };
  return {
    kind: 'refuse',
    reason:
      `cannot seal processes here: ${seccomp.reason}. Running untrusted code needs at least the ` +
      'seccomp network filter; pass --insecure-no-sandbox (insecureNoSandbox) to run anyway',
  };
}

/** What the minimal root offers: the program's files under the names the kernel and the
 *  loader use, and every read path; /proc paths come from the root's private /proc. */
function rootPaths(program: string, readPaths: readonly string[]): string[] {
  return [...new Set([...programNames(program), ...readPaths])].filter(
    (p) => p !== '/proc' && !p.startsWith('/proc/'),
  );
}

function realReadPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new SandboxOptionsError(`read-only path ${path} does not exist`);
  }
}

/**
 * Plans a sealed launch of `target` keeping fds `keepFds` (beyond 0..2).
 * @throws SandboxUnavailableError when the policy refuses to run here.
 */
export function planLaunch(
  target: SealedTarget,
  keepFds: readonly number[],
  options: SandboxOptions,
): LaunchPlan {
  const seccomp = seccompSupport();
  const allowedSocketFds = [0, 1, 2, ...keepFds];
  const decision = secureModeDecision(seccomp, options);
  if (decision.kind === 'refuse') throw new SandboxUnavailableError(decision.reason);
  const insecure = decision.kind === 'insecure' ? decision.reason : null;
  if (process.platform !== 'linux')
    return {
      command: target.path,
      args: target.argv.slice(1),
      env: target.env,
      config: null,
      insecure,
      expect: { allowedSocketFds },
    };

  const optional: LayerMode = options.requireAllLayers ? 'required' : 'optional';
  const iso: IsolationRoute = options.namespaces
    ? isolationRoute(options.networkNamespace)
    : { kind: 'unavailable', reason: 'disabled (namespaces: false)' };
  if (options.namespaces && iso.kind === 'unavailable' && options.requireAllLayers)
    throw new SandboxUnavailableError(`PID/IPC/mount namespaces unavailable: ${iso.reason}`);
  const isolated = iso.kind === 'unshare';
  // Not root: the isolation route's user namespace carries `--net` when it works at all.
  const route = !options.networkNamespace
    ? null
    : isolated && iso.net
      ? ({ kind: 'isolation' } as const)
      : netnsRoute();
  if (route?.kind === 'unavailable' && options.requireAllLayers)
    throw new SandboxUnavailableError(`network namespace unavailable: ${route.reason}`);
  const drop = isRoot() && options.dropIdentity !== null ? options.dropIdentity : null;
  const readPaths = [
    ...programFiles(target.path),
    ...target.readPaths,
    ...options.allowRead.map(realReadPath),
  ];
  if (drop)
    for (const path of [target.path, ...readPaths]) {
      // In the minimal root the folders above a bound path are the root's own (0755): only
      // the path itself must be readable by the uid.
      const why = unreadableReason(path, drop.uid, drop.gid, { parents: !isolated });
      if (why)
        throw new SandboxOptionsError(
          `sealed processes run as uid ${drop.uid}, gid ${drop.gid}, but ${why}: make it ` +
            'world-readable, or choose another dropIdentity',
        );
    }
  const config: LaunchConfig = {
    version: LAUNCH_CONFIG_VERSION,
    exec: { path: realpathSync(target.path), argv: target.argv, env: target.env },
    keepFds,
    netns: route?.kind === 'launcher' ? optional : 'off',
    identity: { mode: drop ? 'required' : 'off', uid: drop?.uid ?? 0, gid: drop?.gid ?? 0 },
    capabilities: 'required',
    parentDeath: 'required',
    landlock: {
      mode: options.landlock ? optional : 'off',
      readPaths: [...new Set(readPaths)],
      readWritePaths: ['/dev/null'],
    },
    seccomp: {
      mode: seccomp.ok ? 'required' : 'off',
      program: workerSeccompProgram(options.network, {
        newProcesses: target.newProcesses ?? false,
      }),
    },
    root: {
      // The isolation route was tried (its mount namespace works), so the root must apply.
      mode: isolated ? 'required' : 'off',
      readPaths: isolated ? rootPaths(target.path, readPaths) : [],
      proc: true,
    },
    cgroupProcs: [],
  };
  const launcher = [
    process.execPath,
    options.launcher ?? defaultLauncherPath(),
    encodeLaunchConfig(config),
  ];
  const wrapped = isolated
    ? [...iso.prefix, ...launcher]
    : route?.kind === 'user-namespace'
      ? [route.unshare, '--user', '--map-current-user', '--net', '--', ...launcher]
      : launcher;
  return {
    command: wrapped[0]!,
    args: wrapped.slice(1),
    // The launcher's own Node gets an empty environment: no NODE_OPTIONS, no preloads.
    env: {},
    config,
    insecure,
    expect: {
      allowedSocketFds,
      ...(drop ? { uid: drop.uid, gid: drop.gid } : {}),
      ...(route?.kind === 'user-namespace' ||
      route?.kind === 'isolation' ||
      (route?.kind === 'launcher' && optional === 'required')
        ? { newNetworkNamespace: true }
        : {}),
      ...(isolated ? { isolated: true } : {}),
    },
  };
}
