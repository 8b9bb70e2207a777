// What sealing costs: spawn-to-ready of a sealed Node (launcher + every layer) against a plain
// spawn of the same script, with the worker cgroup added, and without each namespace layer
// (the minimal root; the PID, IPC and mount namespaces, i.e. the unshare wrapper; the network
// namespace); the in-process cost of each step the launcher takes; and the filter's effect on
// a wasm loop (no syscalls), on a syscall-heavy fs loop and on an ioctl loop. Medians of
// interleaved runs, each in a fresh process. Linux only.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import {
  decodeLaunchConfig,
  encodeLaunchConfig,
  type LaunchConfig,
} from '../native/launch-config.js';
import { buildSeccompProgram } from '../native/linux/bpf.js';
import { workerSyscallRules } from '../native/linux/policy.js';
import { SYS } from '../native/linux/syscalls.js';
import { attachCgroup, withCgroup } from '../src/sandbox/cgroup-plan.js';
import { createWorkerCgroup } from '../src/sandbox/cgroup.js';
import type { LaunchPlan } from '../src/sandbox/launch-plan.js';
import { planWorker, startPlan, trackPlanChild } from '../src/sandbox/spawn.js';
import { koffiReadPaths } from '../src/sandbox/self-test/run.js';
import type { SandboxOptions } from '../src/sandbox/options.js';
import { sandboxBundle } from '../test/support/sandbox-bundle.js';
import { percentiles, type Row, type Section } from './section.js';

const SPAWN_RUNS = 15;
const WORKLOAD_RUNS = 5;
const WASM_ITERATIONS = 200_000_000;
const FS_ITERATIONS = 20_000;
const IOCTL_ITERATIONS = 200_000;
const CGROUP = { memoryBytes: 2.5 * 1024 ** 3, pids: 512 };

/** Polkadot's list only (socket, socketpair, connect, io_uring_*), to compare the full filter
 *  (network + hardening + containment, with argument checks) against. */
function networkOnly(plan: LaunchPlan): LaunchPlan {
  const keep = new Set<number>([
    SYS.socket,
    SYS.socketpair,
    SYS.connect,
    SYS.io_uring_setup,
    SYS.io_uring_enter,
    SYS.io_uring_register,
  ]);
  const config = decodeLaunchConfig(plan.args.at(-1));
  const program = buildSeccompProgram({
    rules: workerSyscallRules('errno').filter((r) => keep.has(r.nr)),
    badArch: { kind: 'kill-process' },
    archCheck: true,
  });
  const edited = { ...config, seccomp: { ...config.seccomp, program } };
  return { ...plan, args: [...plan.args.slice(0, -1), encodeLaunchConfig(edited)] };
}

type Launch = (args: string[]) => ChildProcess;

async function childScript(): Promise<{ script: string; launcher: string }> {
  const { dir, launcher } = await sandboxBundle();
  const script = join(dir, 'bench-sandbox-child.js');
  await build({
    entryPoints: [join(import.meta.dirname, 'sandbox-child.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['koffi'],
    logLevel: 'warning',
  });
  chmodSync(script, 0o644);
  return { script, launcher };
}

/** Milliseconds from spawn() to the child's first stdout line, and that line. */
function firstLine(child: ChildProcess): Promise<{ ms: number; line: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (!text.includes('\n')) return;
      const ms = performance.now() - t0;
      child.stdin!.end();
      resolve({ ms, line: text.slice(0, text.indexOf('\n')) });
    });
    child.on('exit', (code, signal) => {
      if (!text.includes('\n'))
        reject(new Error(`child exited ${code ?? signal} before reporting`));
    });
  });
}

const median = (xs: number[]) => percentiles(xs).p50;
const fixed = (x: number, d = 1) => Number(x.toFixed(d));

export const sandbox: Section = {
  name: 'sandbox',
  description:
    'spawn-to-ready of a sealed worker vs a plain spawn, per-step sealing cost, filter overhead on wasm and fs (medians)',
  async run(): Promise<Row[]> {
    if (process.platform !== 'linux') return [{ note: 'Linux only' }];
    const { script, launcher } = await childScript();
    const plain: Launch = (args) =>
      spawn(process.execPath, [script, ...args], {
        stdio: ['pipe', 'pipe', 'inherit'],
        env: { UV_USE_IO_URING: '0' },
      });
    // `edit` takes a launcher step away (what production options cannot), to price it alone.
    const sealed =
      (sandbox: Partial<SandboxOptions>, edit?: (c: LaunchConfig) => LaunchConfig): Launch =>
      (args) => {
        const plan = planWorker({
          script,
          args,
          stdio: ['pipe', 'pipe', 'inherit'],
          sandbox: { launcher, ...sandbox },
        });
        const argv = [...plan.args];
        if (edit) argv[argv.length - 1] = encodeLaunchConfig(edit(decodeLaunchConfig(argv.at(-1))));
        return trackPlanChild(
          plan,
          spawn(plan.command, argv, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...plan.env } }),
        );
      };
    const plan = (args: string[], sandbox: Partial<SandboxOptions> = {}) =>
      planWorker({
        script,
        args,
        stdio: ['pipe', 'pipe', 'inherit'],
        sandbox: { launcher, ...sandbox },
      });
    // As spawnSealed does it: the cgroup made, joined by the launcher, removed at exit.
    const withCg: Launch = (args) => {
      const cg = createWorkerCgroup(CGROUP);
      const child = startPlan(withCgroup(plan(args), cg), ['pipe', 'pipe', 'inherit']);
      attachCgroup(child, cg);
      return child;
    };
    const launches: [string, Launch][] = [
      ['plain spawn', plain],
      ['sealed, all layers', sealed({})],
      ['sealed, all layers + cgroup', withCg],
      [
        'sealed, no minimal root (pid/ipc/mnt namespaces kept)',
        sealed({}, (c) => ({
          ...c,
          root: { ...c.root, mode: 'off' },
        })),
      ],
      ['sealed, no pid/ipc/mnt namespaces, no minimal root', sealed({ namespaces: false })],
      [
        'sealed, no namespaces at all (no netns either)',
        sealed({ namespaces: false, networkNamespace: false }),
      ],
    ];

    const rows: Row[] = [];
    const spawnTimes = new Map<string, number[]>(launches.map(([n]) => [n, []]));
    // Each child exits before the next starts, so no launch pays for another's teardown.
    for (let i = 0; i < SPAWN_RUNS; i++)
      for (const [name, launch] of launches) {
        const child = launch(['ready']);
        const exited = new Promise((r) => child.once('exit', r));
        spawnTimes.get(name)!.push((await firstLine(child)).ms);
        await exited;
      }
    const plainMs = median(spawnTimes.get('plain spawn')!);
    for (const [name, times] of spawnTimes)
      rows.push({
        measure: 'spawn to ready (ms)',
        variant: name,
        median: fixed(median(times)),
        ratio: fixed(median(times) / plainMs, 2),
      });

    const steps: Record<string, number[]> = {};
    for (let i = 0; i < WORKLOAD_RUNS; i++) {
      const r = JSON.parse((await firstLine(plain(['install']))).line) as Record<string, number>;
      for (const [k, v] of Object.entries(r)) (steps[k] ??= []).push(v);
    }
    for (const [k, v] of Object.entries(steps))
      rows.push({
        measure: k === 'instructions' ? 'filter size (instructions)' : `in-process ${k}`,
        variant: 'unsealed child',
        median: fixed(median(v), 2),
        ratio: '',
      });

    const cgTimes: number[] = [];
    for (let i = 0; i < SPAWN_RUNS; i++) {
      const t0 = performance.now();
      await createWorkerCgroup(CGROUP).remove();
      cgTimes.push(performance.now() - t0);
    }
    rows.push({
      measure: 'in-process cgroup create + remove (ms)',
      variant: 'host',
      median: fixed(median(cgTimes), 2),
      ratio: '',
    });

    // Filter cost: Polkadot's network-only list against the full worker filter, on the
    // fs loop (constant-action syscalls: the kernel caches "allow" per number) and on an
    // ioctl loop (ioctl is checked by argument on every call).
    const koffiOk = { allowRead: koffiReadPaths() };
    for (const [what, mode, n] of [
      ['fs loop, filter compare', 'fs', FS_ITERATIONS],
      ['ioctl(FIONREAD) loop, filter compare', 'ioctl', IOCTL_ITERATIONS],
    ] as const) {
      const variants: [string, Launch][] = [
        [
          'network-only filter',
          (a) => startPlan(networkOnly(plan(a, koffiOk)), ['pipe', 'pipe', 'inherit']),
        ],
        ['full worker filter', (a) => startPlan(plan(a, koffiOk), ['pipe', 'pipe', 'inherit'])],
      ];
      const times = new Map<string, number[]>(variants.map(([v]) => [v, []]));
      for (let i = 0; i < WORKLOAD_RUNS; i++)
        for (const [name, launch] of variants)
          times
            .get(name)!
            .push(
              (JSON.parse((await firstLine(launch([mode, String(n)]))).line) as { ms: number }).ms,
            );
      const base = median(times.get('network-only filter')!);
      for (const [name, t] of times)
        rows.push({
          measure: `${what} (ms, ${n} calls)`,
          variant: name,
          median: fixed(median(t)),
          ratio: fixed(median(t) / base, 3),
        });
    }

    for (const [what, arg] of [
      ['wasm loop', String(WASM_ITERATIONS)],
      ['fs readFileSync+statSync', String(FS_ITERATIONS)],
    ] as const) {
      const variants: [string, Launch][] = [
        ['plain', plain],
        ['sealed, all layers', sealed({})],
        ['sealed, no Landlock', sealed({ landlock: false })],
      ];
      const times = new Map<string, number[]>(variants.map(([n]) => [n, []]));
      const mode = what === 'wasm loop' ? 'wasm' : 'fs';
      for (let i = 0; i < WORKLOAD_RUNS; i++)
        for (const [name, launch] of variants)
          times
            .get(name)!
            .push((JSON.parse((await firstLine(launch([mode, arg]))).line) as { ms: number }).ms);
      const base = median(times.get('plain')!);
      for (const [name, t] of times)
        rows.push({
          measure: `${what} (ms)`,
          variant: name,
          median: fixed(median(t)),
          ratio: fixed(median(t) / base, 3),
        });
    }
    return rows;
  },
};
