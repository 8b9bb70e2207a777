// `pvf sandbox status`: for each layer, does this machine offer it, and does a sealed process
// really get it? The second answer comes from launching one sealed probe exactly as a worker
// is launched and checking it from outside, not from reading configuration.
import { release } from 'node:os';
import type { LaunchReport } from '../../native/launch-config.js';
import { LAUNCH_REPORT_ENV } from '../../native/launch-config.js';
import { landlockAbi } from '../../native/linux/landlock.js';
import { loadLibc } from '../../native/linux/libc.js';
import { isolationRoute, isRoot, netnsRoute, seccompSupport } from './host-support.js';
import {
  checkOutside,
  layerApplied,
  outcomeText,
  SANDBOX_LAYERS,
  type Evidence,
  type Machine,
} from './layers.js';
import { nodeRuntimeFiles, planLaunch } from './launch-plan.js';
import { resolveSandboxOptions, SandboxUnavailableError, type SandboxOptions } from './options.js';
import { attachCgroup, probeCgroup, withCgroup } from './cgroup-plan.js';
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
          layer: SANDBOX_LAYERS[0]!.name,
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
  const child = startPlan(cgroup.cg ? withCgroup(plan, cgroup.cg) : plan, ['pipe', 'pipe', 'pipe']);
  // Registered like a worker's, so that the layer's outside check finds it.
  if (cgroup.cg) attachCgroup(child, cgroup.cg);
  const run = await runBattery(child, (pid) => ({
    seal: verifySealed(pid, plan.expect),
    outside: checkOutside(pid, SANDBOX_LAYERS),
  }));
  await cgroup.cg?.remove();
  const report = (run.report as { layers?: LaunchReport | null } | null)?.layers ?? undefined;
  const seen = run.inspected as
    { seal: SealReport; outside: Map<string, readonly string[]> } | undefined;
  const launchFailure = seen
    ? ''
    : `probe did not start: ${run.stderr.trim().split('\n')[0] ?? `exit ${run.code}`}`;
  const machine: Machine = {
    linux: process.platform === 'linux',
    root: isRoot(),
    uid: process.getuid?.(),
    seccomp,
    landlockAbi: process.platform === 'linux' ? await kernelLandlockAbi() : -38,
    netns: netnsRoute(),
    isolation: isolationRoute(options.networkNamespace),
    cgroup,
  };
  const evidence: Evidence = { report, outside: seen?.outside };

  const layers: LayerStatus[] = SANDBOX_LAYERS.map((layer) => {
    const available = layer.available(machine);
    const enabled = layer.enabled(options, machine);
    let applied = enabled && available.ok && layerApplied(layer, evidence);
    let detail = !available.ok
      ? available.reason
      : !enabled
        ? 'disabled'
        : layer.detail
          ? layer.detail(machine, evidence)
          : outcomeText(layer.step ? report?.[layer.step] : undefined);
    const problems = seen?.outside.get(layer.name);
    if (enabled && available.ok && problems?.length)
      detail += `; outside check: ${problems.join('; ')}`;
    if (layer.required) {
      // The network filter is judged by the whole outside check of the seal.
      applied = applied && seen?.seal.kind === 'sealed';
      if (available.ok)
        detail += `; outside check: ${seen ? (seen.seal.kind === 'unsealed' ? seen.seal.problems.join('; ') : seen.seal.kind) : launchFailure}`;
    }
    return {
      layer: layer.name,
      available: available.ok,
      applied,
      required: layer.required,
      detail,
    };
  });
  const missing = SANDBOX_LAYERS.filter(
    (l, i) => l.enabled(options, machine) && !layers[i]!.applied && !l.required,
  ).map((l) => l.name);
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
