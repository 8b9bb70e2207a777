// `pvf sandbox status`: for each layer, does this machine offer it, and does a sealed process
// really get it? The second answer comes from launching one sealed probe exactly as a worker
// is launched and checking it from outside, not from reading configuration.
import { readlinkSync } from 'node:fs';
import { release } from 'node:os';
import type { LaunchReport, LayerOutcome } from '../../native/launch-config.js';
import { LAUNCH_REPORT_ENV } from '../../native/launch-config.js';
import { landlockAbi } from '../../native/linux/landlock.js';
import { loadLibc } from '../../native/linux/libc.js';
import { isRoot, netnsRoute, seccompSupport } from './host-support.js';
import { nodeRuntimeFiles, planLaunch } from './launch-plan.js';
import { resolveSandboxOptions, SandboxUnavailableError, type SandboxOptions } from './options.js';
import { cgroupStatusDetail, probeCgroup, withCgroup } from './cgroup-plan.js';
import { runBattery } from './self-test/battery.js';
import { startPlan } from './spawn.js';
import { verifySealed, type SealReport } from './verify.js';

export interface LayerStatus {
  readonly layer: string;
  /** The machine offers it. */
  readonly available: boolean;
  /** A sealed process got it (checked on a real launch). */
  readonly applied: boolean;
  /** Required for running untrusted code (only the seccomp network filter is). */
  readonly required: boolean;
  readonly detail: string;
}

export type SandboxVerdict =
  /** Every enabled layer applied. */
  | { readonly kind: 'secure' }
  /** The network filter applied; these optional layers did not. */
  | { readonly kind: 'degraded'; readonly missing: readonly string[] }
  /** Sealed launches are refused here (the policy), with the reason. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Runs unsealed because of the explicit insecure opt-out. */
  | { readonly kind: 'insecure'; readonly reason: string };

export interface SandboxStatus {
  readonly platform: string;
  readonly layers: readonly LayerStatus[];
  readonly verdict: SandboxVerdict;
}

// Prints the launcher's report (already JSON) and stays alive until stdin closes.
const PROBE_CODE =
  `process.stdout.write('{"layers":'+(process.env.${LAUNCH_REPORT_ENV}??'null')+'}\\n');` +
  "process.stdin.on('end',()=>process.exit(0));process.stdin.resume();";

const sameNetns = (pid: number): boolean | null => {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`) === readlinkSync('/proc/self/ns/net');
  } catch {
    return null;
  }
};

const outcomeText = (o: LayerOutcome | undefined): string =>
  !o ? 'no report' : o.kind === 'applied' ? o.detail : o.kind === 'skipped' ? o.reason : 'disabled';

async function kernelLandlockAbi(): Promise<number> {
  try {
    return landlockAbi(await loadLibc());
  } catch {
    return -38;
  }
}

/** Probes every layer. Never throws for an unavailable sandbox: that is a verdict. */
export async function probeSandbox(partial: Partial<SandboxOptions> = {}): Promise<SandboxStatus> {
  const options = resolveSandboxOptions(partial);
  const platform = `${process.platform} ${process.arch}, kernel ${release()}, Node ${process.versions.node}`;
  const seccomp = seccompSupport();
  let plan;
  try {
    plan = planLaunch(
      {
        path: process.execPath,
        argv: [process.execPath, '-e', PROBE_CODE],
        env: { UV_USE_IO_URING: '0' },
        readPaths: [...nodeRuntimeFiles(), '/proc/self'],
      },
      [],
      options,
    );
  } catch (err) {
    if (!(err instanceof SandboxUnavailableError)) throw err;
    return {
      platform,
      layers: [
        {
          layer: 'seccomp network filter',
          available: seccomp.ok,
          applied: false,
          required: true,
          detail: err.message,
        },
      ],
      verdict: { kind: 'refused', reason: err.message },
    };
  }
  const cgroup = probeCgroup(options);
  const launched = cgroup.cg ? withCgroup(plan, cgroup.cg) : plan;
  const run = await runBattery(startPlan(launched, ['pipe', 'pipe', 'pipe']), (pid) => ({
    seal: verifySealed(pid, plan.expect),
    netns: sameNetns(pid) === false,
    cgroup: cgroup.cg?.check(pid) ?? null,
  }));
  await cgroup.cg?.remove();
  const report = (run.report as { layers?: LaunchReport | null } | null)?.layers ?? undefined;
  const seen = run.inspected as
    { seal: SealReport; netns: boolean; cgroup: string[] | null } | undefined;
  const cgroupSeen = cgroupStatusDetail(cgroup, seen?.cgroup ?? null);
  const launchFailure = seen
    ? ''
    : `probe did not start: ${run.stderr.trim().split('\n')[0] ?? `exit ${run.code}`}`;
  const applied = (o: LayerOutcome | undefined) => o?.kind === 'applied';
  const abi = process.platform === 'linux' ? await kernelLandlockAbi() : -38;
  const route = netnsRoute();
  const root = isRoot();

  const layers: LayerStatus[] = [
    {
      layer: 'seccomp network filter',
      available: seccomp.ok,
      applied: applied(report?.seccomp) && seen?.seal.kind === 'sealed',
      required: true,
      detail: seccomp.ok
        ? `${outcomeText(report?.seccomp)}; outside check: ${seen ? (seen.seal.kind === 'unsealed' ? seen.seal.problems.join('; ') : seen.seal.kind) : launchFailure}`
        : seccomp.reason,
    },
    {
      layer: 'Landlock',
      available: abi > 0,
      applied: applied(report?.landlock),
      required: false,
      detail: abi > 0 ? outcomeText(report?.landlock) : `unavailable (errno ${-abi})`,
    },
    {
      layer: 'network namespace',
      available: route.kind !== 'unavailable',
      applied: seen?.netns === true,
      required: false,
      detail:
        route.kind === 'unavailable'
          ? route.reason
          : route.kind === 'user-namespace'
            ? `via ${route.unshare} --user --net`
            : outcomeText(report?.netns),
    },
    {
      layer: 'uid/gid drop',
      available: root,
      applied: applied(report?.identity),
      required: false,
      detail: root
        ? outcomeText(report?.identity)
        : `not root: sealed processes already run as uid ${process.getuid?.()}`,
    },
    {
      layer: 'worker cgroup',
      available: cgroup.available,
      applied: cgroupSeen.applied,
      required: false,
      detail: cgroupSeen.detail,
    },
    ...(['session', 'coreDumps', 'fds'] as const).map((k) => ({
      layer: { session: 'new session (no tty)', coreDumps: 'no core dumps', fds: 'fd hygiene' }[k],
      available: process.platform === 'linux',
      applied: applied(report?.[k]),
      required: false,
      detail: outcomeText(report?.[k]),
    })),
  ];
  const enabled = layers.filter((l) =>
    l.layer === 'Landlock'
      ? options.landlock
      : l.layer === 'network namespace'
        ? options.networkNamespace
        : l.layer === 'uid/gid drop'
          ? root && options.dropIdentity !== null
          : l.layer === 'worker cgroup'
            ? options.cgroup !== null
            : true,
  );
  const missing = enabled.filter((l) => !l.applied).map((l) => l.layer);
  const verdict: SandboxVerdict =
    plan.insecure !== null
      ? { kind: 'insecure', reason: plan.insecure }
      : !layers[0]!.applied
        ? { kind: 'refused', reason: layers[0]!.detail }
        : missing.length
          ? { kind: 'degraded', missing }
          : { kind: 'secure' };
  return { platform, layers, verdict };
}
