// Containment, attacked with native code from real sealed workers: a library compiled with the
// system cc (native/containment.c) loaded by a sealed test entry, as a PVF that escaped V8
// would run it. Each attack is judged by evidence outside the worker (the cgroup's counters,
// /proc of the worker, of a sibling and of a grandchild, a file's mode and times), and each
// layer has a negative control: the same attack with that layer removed succeeds.
// Longer than 400 lines because it is one catalog: seven attacks, each with its sealed run and
// its controls, sharing one launch function and one set of /proc readers.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeLaunchConfig,
  encodeLaunchConfig,
  type LaunchConfig,
} from '../../../native/launch-config.js';
import { buildSeccompProgram, type SyscallRule } from '../../../native/linux/bpf.js';
import { loadLibc } from '../../../native/linux/libc.js';
import { workerSyscallRules } from '../../../native/linux/policy.js';
import { SYS, type SyscallName } from '../../../native/linux/syscalls.js';
import type { AttemptResult } from '../../../native/self-test/protocol.js';
import { attachCgroup } from '../../../src/sandbox/cgroup-plan.js';
import {
  cgroupLayout,
  createWorkerCgroup,
  liveCgroups,
  type WorkerCgroup,
} from '../../../src/sandbox/cgroup.js';
import { runBattery, type BatteryRun } from '../../../src/sandbox/self-test/battery.js';
import { koffiReadPaths } from '../../../src/sandbox/self-test/run.js';
import { planWorker } from '../../../src/sandbox/spawn.js';
import { attackLib } from '../../support/attack-lib.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import { minus, reportOf, SCRIPTS, without } from '../../support/sealed.js';

type Step = { attack: string; arg?: number | string };
type Edit = (c: LaunchConfig) => LaunchConfig;

const lib = attackLib();
const root = process.platform === 'linux' && process.getuid?.() === 0;
const layout = root ? cgroupLayout() : null;
const haveCgroups = !!layout && layout.memory.ok && layout.pids.ok;
if (root && 'missing' in lib) console.warn(`containment tests skipped: ${lib.missing}`);
if (root && !haveCgroups) console.warn('cgroup tests skipped: no writable memory/pids cgroup');

/** The worker filter without the rules for these syscalls (the layer under test removed). */
const filterWithout =
  (names: readonly SyscallName[], opts = { newProcesses: false }): Edit =>
  (c) => {
    const drop = new Set<number>(names.map((n) => SYS[n]));
    const rules: SyscallRule[] = workerSyscallRules('errno', opts).filter((r) => !drop.has(r.nr));
    const program = buildSeccompProgram({
      rules,
      badArch: { kind: 'kill-process' },
      archCheck: true,
    });
    return { ...c, seccomp: { ...c.seccomp, program } };
  };
/** The worker filter, but processes may fork (what `sandbox run` gets). */
const forksAllowed = filterWithout([], { newProcesses: true });
const inCgroup =
  (cg: WorkerCgroup): Edit =>
  (c) => ({ ...c, cgroupProcs: cg.procsFiles });

interface Launched {
  readonly run: Promise<BatteryRun>;
  readonly child: ChildProcess;
  /** The results line, as soon as the worker printed it. */
  readonly report: Promise<Record<string, number>>;
}

/** Starts the containment entry sealed with `steps`; `whileAlive` gathers outside evidence. */
async function launch(
  steps: readonly Step[],
  opts: {
    edit?: Edit;
    cgroup?: WorkerCgroup;
    /** Do not tie the cgroup to the process as spawnSealed does (kill with it, remove at
     *  exit): it stays for inspection until afterAll removes it. */
    keep?: boolean;
    script?: string;
    args?: string[];
    whileAlive?: (pid: number, child: ChildProcess) => unknown;
  } = {},
): Promise<Launched> {
  const { launcher, containment } = await sandboxBundle();
  if ('missing' in lib) throw new Error(lib.missing);
  const script = opts.script ?? containment;
  const plan = planWorker({
    script,
    args: opts.args ?? [lib.so, JSON.stringify(steps)],
    // Without PID/IPC/mount namespaces: they would hide what a removed layer lets through (a
    // sibling's pid, the host's SysV objects), and the sealed run and its controls must differ
    // only in the layer under test. The namespaces have their own catalog (isolation.test.ts).
    sandbox: {
      launcher,
      allowRead: [...koffiReadPaths(), lib.dir],
      cgroup: null,
      namespaces: false,
    },
  });
  let config = decodeLaunchConfig(plan.args.at(-1));
  if (opts.cgroup) config = inCgroup(opts.cgroup)(config);
  if (opts.edit) config = opts.edit(config);
  const child = spawn(plan.command, [...plan.args.slice(0, -1), encodeLaunchConfig(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...plan.env },
  });
  if (opts.cgroup && !opts.keep) attachCgroup(child, opts.cgroup);
  const report = new Promise<Record<string, number>>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      try {
        const list = (JSON.parse(out.split('\n')[0]!) as { results?: AttemptResult[] }).results;
        resolve(Object.fromEntries((list ?? []).map((r) => [r.id, Number(r.detail)])));
      } catch {
        resolve({});
      }
    });
  });
  const run = runBattery(child, (pid) => opts.whileAlive?.(pid, child), 30_000);
  return { run, child, report };
}

const results = (run: BatteryRun): Record<string, number> =>
  Object.fromEntries(
    reportOf<{ results: AttemptResult[] }>(run).results.map((r) => [r.id, Number(r.detail)]),
  );

const EPERM = -1;
const EOPNOTSUPP = -95;
const MiB = 1024 ** 2;

/** Children of `pid` (all threads), from /proc. */
const childrenOf = (pid: number): number[] =>
  readdirSync(`/proc/${pid}/task`).flatMap((t) => {
    try {
      return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number);
    } catch {
      return []; // a thread that ended during the scan
    }
  });
const status = (pid: number, field: string): string | undefined =>
  new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
const isAlive = (pid: number): boolean => {
  try {
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};
const memDir = (cg: WorkerCgroup) =>
  cg.dirs.find(
    (d) =>
      d.includes('/memory/') || (/\/unified\//.test(d) === false && existsSync(`${d}/memory.max`)),
  )!;
const pidsDir = (cg: WorkerCgroup) => cg.dirs.find((d) => existsSync(`${d}/pids.max`))!;
const memUsage = (cg: WorkerCgroup): number => {
  const d = memDir(cg);
  const f = existsSync(`${d}/memory.current`) ? 'memory.current' : 'memory.usage_in_bytes';
  return Number(readFileSync(`${d}/${f}`, 'utf8'));
};

describe.runIf(root && !('missing' in lib))(
  'containment: native attacks from sealed workers',
  () => {
    const made: WorkerCgroup[] = [];
    const cgroup = (memoryBytes: number, pids: number): WorkerCgroup => {
      const cg = createWorkerCgroup({ memoryBytes, pids });
      made.push(cg);
      return cg;
    };
    afterAll(async () => {
      const removed = await Promise.all(made.map((cg) => cg.remove()));
      expect(removed.every(Boolean)).toBe(true);
      // Nothing this file created is left: neither tracked nor on disk.
      expect(liveCgroups()).toEqual([]);
      for (const cg of made) for (const d of cg.dirs) expect(existsSync(d), d).toBe(false);
    });

    it.runIf(haveCgroups)(
      'fork bomb: the filter denies fork; pids.max alone bounds it; without both it runs',
      async () => {
        const census = (pid: number, cg: WorkerCgroup) => ({
          children: childrenOf(pid).length,
          pids: Number(readFileSync(`${pidsDir(cg)}/pids.current`, 'utf8')),
        });
        const sealedCg = cgroup(1024 * MiB, 64);
        const sealed = await launch([{ attack: 'fork_bomb', arg: 40 }], {
          cgroup: sealedCg,
          whileAlive: (pid) => census(pid, sealedCg),
        });
        const s = await sealed.run;
        expect(results(s).fork_bomb).toBe(EPERM);
        expect((s.inspected as { children: number }).children).toBe(0);

        const boundedCg = cgroup(1024 * MiB, 32);
        const bounded = await launch([{ attack: 'fork_bomb', arg: 200 }], {
          cgroup: boundedCg,
          edit: forksAllowed,
          whileAlive: (pid) => census(pid, boundedCg),
        });
        const b = await bounded.run;
        const made32 = results(b).fork_bomb;
        expect(made32).toBeGreaterThan(0);
        expect(made32).toBeLessThan(32);
        expect(b.inspected).toMatchObject({ children: made32, pids: 32 });

        const openCg = cgroup(1024 * MiB, 100_000);
        const open = await launch([{ attack: 'fork_bomb', arg: 60 }], {
          cgroup: openCg,
          edit: forksAllowed,
          whileAlive: (pid) => census(pid, openCg),
        });
        const o = await open.run;
        expect(results(o).fork_bomb).toBe(60);
        expect((o.inspected as { children: number }).children).toBe(60);
      },
    );

    it.runIf(haveCgroups)(
      'memfd and SysV shm: the filter denies both; the cgroup alone bounds them; RSS never sees them',
      async () => {
        const steps = [
          { attack: 'memfd_hog', arg: 320 },
          { attack: 'shm_hog', arg: 64 },
        ];
        const sealedCg = cgroup(192 * MiB, 512);
        const s = await (await launch(steps, { cgroup: sealedCg })).run;
        expect(results(s)).toEqual({ memfd_hog: EPERM, shm_hog: EPERM });

        const hogRules = filterWithout(['memfd_create', 'shmget', 'shmat', 'shmctl']);
        // The memory ceiling alone: the worker is killed inside its cgroup before it holds 320 MiB.
        const boundedCg = cgroup(192 * MiB, 512);
        const b = await (
          await launch(steps, { cgroup: boundedCg, edit: hogRules, keep: true })
        ).run;
        if (b.report !== null) expect(results(b).memfd_hog).toBeLessThan(192);
        else expect(b.signal).toBe('SIGKILL');
        const peak = Number(
          readFileSync(
            `${memDir(boundedCg)}/${existsSync(`${memDir(boundedCg)}/memory.peak`) ? 'memory.peak' : 'memory.max_usage_in_bytes'}`,
            'utf8',
          ),
        );
        expect(peak).toBeLessThanOrEqual(192 * MiB);

        // Negative control: no ceiling: 384 MiB held while the worker's RSS stays small, which is
        // what the host's RSS check sees; the cgroup's counter does see it.
        const openCg = cgroup(4096 * MiB, 512);
        const o = await (
          await launch(steps, {
            cgroup: openCg,
            edit: hogRules,
            whileAlive: (pid) => ({
              rssKiB: parseInt(status(pid, 'VmRSS') ?? '0', 10),
              cgroupBytes: memUsage(openCg),
            }),
          })
        ).run;
        expect(results(o)).toEqual({ memfd_hog: 320, shm_hog: 64 });
        const seen = o.inspected as { rssKiB: number; cgroupBytes: number };
        expect(seen.cgroupBytes).toBeGreaterThan(384 * MiB);
        expect(seen.rssKiB * 1024).toBeLessThan(320 * MiB);
      },
    );

    it('siblings: prlimit64(RLIMIT_CPU=1), setpriority, sched_setaffinity on a sibling worker fail; without the rules they land', async () => {
      const attack = async (edit?: Edit) => {
        let victimPid!: (pid: number) => void;
        const victimKnown = new Promise<number>((r) => (victimPid = r));
        let attackerDone!: () => void;
        const done = new Promise<void>((r) => (attackerDone = r));
        const evidence = (pid: number) => ({
          cpuLimit: /^Max cpu time\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[1],
          nice: Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]),
          cpus: status(pid, 'Cpus_allowed_list'),
        });
        const victim = await launch([], {
          script: `${SCRIPTS}/report.mjs`,
          args: ['{}'],
          whileAlive: async (pid) => {
            const before = evidence(pid);
            victimPid(pid);
            await done;
            return { before, after: evidence(pid) };
          },
        });
        const pid = await victimKnown;
        const attacker = await launch(
          [
            { attack: 'sibling_rlimit_cpu', arg: pid },
            { attack: 'sibling_nice', arg: pid },
            { attack: 'sibling_affinity', arg: pid },
          ],
          edit ? { edit } : {},
        );
        const a = await attacker.run;
        attackerDone();
        const v = await victim.run;
        return { got: results(a), victim: v.inspected as { before: object; after: object } };
      };
      const sealed = await attack();
      expect(sealed.got).toEqual({
        sibling_rlimit_cpu: EPERM,
        sibling_nice: EPERM,
        sibling_affinity: EPERM,
      });
      expect(sealed.victim.after).toEqual(sealed.victim.before);

      const control = await attack(
        filterWithout(['prlimit64', 'setpriority', 'sched_setaffinity']),
      );
      expect(control.got).toEqual({ sibling_rlimit_cpu: 0, sibling_nice: 0, sibling_affinity: 0 });
      expect(control.victim.after).toMatchObject({ cpuLimit: '1', nice: 19, cpus: '0' });
    });

    it('interface ioctls on the channel socket are denied; without the rule (and the netns) they list the host interfaces', async () => {
      const hostIface = Object.keys(networkInterfaces()).find((n) => n !== 'lo') ?? 'lo';
      const v4 = Object.values(networkInterfaces()).filter((a) =>
        a?.some((x) => x.family === 'IPv4'),
      ).length;
      const steps = [
        { attack: 'ifconf_count', arg: 0 },
        { attack: 'ifhwaddr', arg: `0:${hostIface}` },
      ];
      const sealed = results(await (await launch(steps)).run);
      expect(sealed).toEqual({ ifconf_count: EPERM, ifhwaddr: EPERM });
      const control = results(
        await (
          await launch(steps, { edit: minus(filterWithout(['ioctl']), without.netns) })
        ).run,
      );
      expect(control.ifconf_count).toBe(v4); // the host's own view, from outside
      expect(control.ifhwaddr).toBe(0);
    });

    it('inotify on a readable folder is denied; without the rule the watch exists (/proc fdinfo)', async () => {
      if ('missing' in lib) return;
      const steps = [{ attack: 'inotify_watch', arg: lib.dir }];
      const watches = (pid: number) =>
        readdirSync(`/proc/${pid}/fdinfo`).filter((fd) =>
          /inotify wd:/.test(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8')),
        ).length;
      const s = await (await launch(steps, { whileAlive: watches })).run;
      expect(results(s).inotify_watch).toBe(EPERM);
      expect(s.inspected).toBe(0);
      const inotify: SyscallName[] = ['inotify_init', 'inotify_init1', 'inotify_add_watch'];
      const c = await (
        await launch(steps, { edit: filterWithout(inotify), whileAlive: watches })
      ).run;
      expect(results(c).inotify_watch).toBeGreaterThanOrEqual(0);
      expect(c.inspected).toBe(1);
    });

    it('chmod, utime and setxattr on a world-writable file outside fail; without the rules all three land', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'pvf-meta-'));
      chmodSync(dir, 0o777);
      const file = join(dir, 'shared');
      const { koffi } = await loadLibc();
      const getxattr = koffi
        .load('libc.so.6')
        .func('long getxattr(const char *path, const char *name, void *value, size_t size)');
      try {
        const fresh = () => {
          writeFileSync(file, 'x');
          chownSync(file, 65534, 65534); // owned by the worker's uid, as a file it made would be
          chmodSync(file, 0o666);
          utimesSync(file, 1000, 1000);
        };
        const seen = () => ({
          mode: statSync(file).mode & 0o777,
          mtime: statSync(file).mtimeMs,
          xattr: getxattr(file, 'user.pvf', null, 0) >= 0,
        });
        const steps = ['chmod', 'utime', 'setxattr'].map((attack) => ({ attack, arg: file }));
        fresh();
        const s = await (await launch(steps)).run;
        expect(results(s)).toEqual({ chmod: EPERM, utime: EPERM, setxattr: EOPNOTSUPP });
        expect(seen()).toEqual({ mode: 0o666, mtime: 1_000_000, xattr: false });
        fresh();
        const meta: SyscallName[] = ['chmod', 'utimes', 'utimensat', 'setxattr'];
        const c = await (await launch(steps, { edit: filterWithout(meta) })).run;
        expect(results(c)).toEqual({ chmod: 0, utime: 0, setxattr: 0 });
        const after = seen();
        expect(after.mode).toBe(0o777);
        expect(after.mtime).toBeGreaterThan(1_000_000);
        // user xattrs need filesystem support (tmpfs has it since Linux 6.6)
        expect(after.xattr).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it.runIf(haveCgroups)(
      'a detached grandchild: the filter denies it; the cgroup kills it with its worker; without both it survives and wedges the pipes',
      async () => {
        const sealed = await (
          await launch([{ attack: 'detached_grandchild' }], { cgroup: cgroup(512 * MiB, 64) })
        ).run;
        expect(results(sealed).detached_grandchild).toBe(EPERM);

        // Cgroup only: SIGKILL through the spawn handle takes the grandchild too, and the
        // worker's pipes close (the run resolves).
        let grandchild = 0;
        const withCg = await launch([{ attack: 'detached_grandchild' }], {
          cgroup: cgroup(512 * MiB, 64),
          edit: forksAllowed,
          whileAlive: async (_pid, child) => {
            child.kill('SIGKILL');
            await new Promise((r) => setTimeout(r, 300));
          },
        });
        const w = await withCg.run;
        grandchild = results(w).detached_grandchild ?? 0;
        expect(grandchild).toBeGreaterThan(0);
        expect(w.signal).toBe('SIGKILL');
        expect(isAlive(grandchild)).toBe(false);

        // Negative control: the cgroup not tied to the worker (as without the layer; it is
        // only there so that afterAll cleans up even if this test fails): the grandchild
        // outlives its SIGKILLed worker and keeps the worker's stdout open, so the run does
        // not end until the test kills it by pid.
        const open = await launch([{ attack: 'detached_grandchild' }], {
          cgroup: cgroup(512 * MiB, 64),
          keep: true,
          edit: forksAllowed,
          whileAlive: async (pid, child) => {
            child.kill('SIGKILL');
            await new Promise((r) => setTimeout(r, 300));
            return isAlive(pid);
          },
        });
        const ended = await Promise.race([
          open.run.then(() => 'ended'),
          new Promise((r) => setTimeout(() => r('wedged'), 1500)),
        ]);
        const survivor = (await open.report).detached_grandchild ?? 0;
        expect(ended).toBe('wedged');
        expect(survivor).toBeGreaterThan(0);
        expect(isAlive(survivor)).toBe(true);
        process.kill(survivor, 'SIGKILL');
        const o = await open.run;
        expect(o.signal).toBe('SIGKILL');
      },
    );
  },
);
