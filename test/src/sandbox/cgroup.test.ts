// Worker cgroups: where they may be made (parsed from /proc texts against a fake hierarchy in
// a temp folder), and on this machine: a sealed worker is inside its cgroup before it runs
// (checked from /proc/<pid>/cgroup), its SIGKILL removes the cgroup, and the stale sweep
// removes cgroups of dead owners only.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupProblems } from '../../../src/sandbox/cgroup-plan.js';
import { detectCgroups } from '../../../src/sandbox/cgroup-detect.js';
import {
  cgroupLayout,
  createWorkerCgroup,
  liveCgroups,
  sweepStaleCgroups,
} from '../../../src/sandbox/cgroup.js';
import { planWorker, sealedPid, spawnSealed, startPlan } from '../../../src/sandbox/spawn.js';
import { verifySealed } from '../../../src/sandbox/verify.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import { SCRIPTS } from '../../support/sealed.js';

const mount = (id: number, root: string, point: string, type: string, opts: string) =>
  `${id} 23 0:${id} ${root} ${point} rw,relatime - ${type} ${type} rw,${opts}`;

describe('where worker cgroups go (parsed, fake hierarchy)', () => {
  const fake = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'pvf-cgfake-'));
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(join(dir, p, '..'), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    return dir;
  };

  it('pure v2: memory and pids from the v2 hierarchy when the parent enables them for children', () => {
    const dir = fake({ 'user.slice/app.scope/cgroup.subtree_control': 'memory pids\n' });
    try {
      const l = detectCgroups(
        '0::/user.slice/app.scope\n',
        mount(30, '/', dir, 'cgroup2', 'nsdelegate'),
      );
      expect(l.v2).toMatchObject({
        ok: true,
        base: { version: 2, dir: `${dir}/user.slice/app.scope` },
      });
      expect(l.memory).toEqual(l.v2);
      expect(l.pids).toEqual(l.v2);
      expect(l.freezer.ok).toBe(false);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('pure v2 without delegated controllers: says which file lacks them', () => {
    const dir = fake({ 'cgroup.subtree_control': '\n' });
    try {
      const l = detectCgroups('0::/\n', mount(30, '/', dir, 'cgroup2', 'x'));
      expect(l.v2.ok).toBe(true);
      expect(l.memory).toMatchObject({
        ok: false,
        reason: expect.stringMatching(
          /memory is not enabled for children .*cgroup\.subtree_control/,
        ),
      });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('hybrid, as on this machine: v1 memory and pids, a controller-less v2 for cgroup.kill', () => {
    const dir = fake({
      'unified/cgroup.subtree_control': '',
      'memory/a/b/x': '',
      'pids/x': '',
      'freezer/x': '',
    });
    try {
      const l = detectCgroups(
        ['8:pids:/', '6:freezer:/', '4:memory:/a/b', '0::/'].join('\n'),
        [
          mount(35, '/', `${dir}/memory`, 'cgroup', 'memory'),
          mount(39, '/', `${dir}/pids`, 'cgroup', 'pids'),
          mount(37, '/', `${dir}/freezer`, 'cgroup', 'freezer'),
          mount(41, '/', `${dir}/unified`, 'cgroup2', 'x'),
        ].join('\n'),
      );
      expect(l.memory).toMatchObject({
        ok: true,
        base: { version: 1, dir: `${dir}/memory/a/b`, hierarchy: '4:memory', path: '/a/b' },
      });
      expect(l.pids).toMatchObject({ ok: true, base: { version: 1, dir: `${dir}/pids` } });
      expect(l.v2).toMatchObject({
        ok: true,
        base: { version: 2, dir: `${dir}/unified`, hierarchy: '0:' },
      });
      expect(l.freezer.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('a namespaced mount (root not /) maps the path beneath it; a foreign subtree is refused', () => {
    const dir = fake({ 'cgroup.subtree_control': 'memory\n' });
    try {
      const inside = detectCgroups(
        '0::/docker/abc\n',
        mount(30, '/docker/abc', dir, 'cgroup2', 'x'),
      );
      expect(inside.v2).toMatchObject({ ok: true, base: { dir } });
      const foreign = detectCgroups('0::/other\n', mount(30, '/docker/abc', dir, 'cgroup2', 'x'));
      expect(foreign.v2.ok).toBe(false);
      const none = detectCgroups(null, null);
      expect(none.memory).toMatchObject({ ok: false, reason: expect.stringMatching(/unreadable/) });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

const root = process.platform === 'linux' && process.getuid?.() === 0;
const usable = root && cgroupLayout().memory.ok && cgroupLayout().pids.ok;

describe.runIf(usable)('worker cgroups on this machine', () => {
  const exited = (c: ReturnType<typeof spawn>) => new Promise((r) => c.once('exit', r));
  const firstLine = (c: ReturnType<typeof spawn>) =>
    new Promise<void>((r) => c.stdout!.once('data', () => r()));

  it('a sealed worker runs inside its cgroup from the start; SIGKILL removes the cgroup', async () => {
    const { launcher } = await sandboxBundle();
    const child = spawnSealed({
      script: `${SCRIPTS}/report.mjs`,
      args: ['{}'],
      sandbox: { launcher, cgroup: { memoryBytes: 512 * 1024 ** 2, pids: 64 } },
    });
    await firstLine(child);
    // The worker's host pid: with a PID namespace `child` is the `unshare` wrapper, which
    // stays outside (the launcher, pid 1 inside, joined before anything ran).
    const pid = sealedPid(child)!;
    const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    const name = `pvf-runtime.${process.pid}.`;
    expect(lines.split('\n').filter((l) => l.includes(name)).length).toBeGreaterThanOrEqual(2);
    if (pid !== child.pid)
      expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).not.toContain(name);
    expect(cgroupProblems(pid)).toEqual([]);
    expect(verifySealed(pid, { allowedSocketFds: [0, 1, 2] })).toMatchObject({ kind: 'sealed' });
    const dirs = [...liveCgroups().flatMap((c) => c.dirs)];
    expect(dirs.every((d) => existsSync(d))).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    // Removal waits for the cgroup's members (the worker in its PID namespace) to be gone.
    for (let i = 0; i < 150 && dirs.some((d) => existsSync(d)); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
    expect(liveCgroups()).toEqual([]);
  });

  it('negative control: without the launcher join step the outside check sees the worker outside', async () => {
    const { launcher } = await sandboxBundle();
    const cg = createWorkerCgroup({ memoryBytes: 512 * 1024 ** 2, pids: 64 });
    const plan = planWorker({
      script: `${SCRIPTS}/report.mjs`,
      args: ['{}'],
      sandbox: { launcher },
    });
    const child = startPlan(plan, ['pipe', 'pipe', 'pipe']);
    try {
      await firstLine(child);
      expect(cg.check(sealedPid(child)!).join('\n')).toMatch(/not .*pvf-runtime/);
    } finally {
      child.kill('SIGKILL');
      await exited(child);
      expect(await cg.remove()).toBe(true);
    }
  });

  // This machine has cgroup.kill (v2); the v1 strategies are forced by hiding the v2 hierarchy.
  for (const [name, hide] of [
    ['v1 freezer + SIGKILL', { freezer: false }],
    ['SIGKILL loop over cgroup.procs', { freezer: true }],
  ] as const)
    it(`without cgroup.kill, kill() ends a whole tree: ${name}`, async () => {
      const real = cgroupLayout();
      const gone = { ok: false, reason: 'hidden by the test' } as const;
      const layout = { ...real, v2: gone, ...(hide.freezer ? { freezer: gone } : {}) };
      const cg = createWorkerCgroup({ memoryBytes: 256 * 1024 ** 2, pids: 64 }, layout);
      expect(cg.detail).toContain(name);
      const sh = spawn('sh', ['-c', 'read x; sleep 30 & sleep 30 & wait'], { stdio: 'pipe' });
      try {
        for (const f of cg.procsFiles) writeFileSync(f, String(sh.pid));
        sh.stdin!.write('go\n');
        const members = () =>
          readFileSync(cg.procsFiles[0]!, 'utf8').split('\n').filter(Boolean).length;
        for (let i = 0; i < 100 && members() < 3; i++) await new Promise((r) => setTimeout(r, 20));
        expect(members()).toBe(3); // sh and two sleeps, all forked inside
        cg.kill();
        for (let i = 0; i < 100 && members() > 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(members()).toBe(0);
      } finally {
        sh.kill('SIGKILL');
        expect(await cg.remove()).toBe(true);
      }
    });

  it('the stale sweep removes cgroups of dead owners only', () => {
    const dead = spawnSync('true').pid!;
    const sleeper = spawn('sleep', ['30']);
    const layout = cgroupLayout();
    const bases = [layout.memory, layout.pids].flatMap((f) => (f.ok ? [f.base.dir] : []));
    const deadDirs = bases.map((b) => `${b}/pvf-runtime.${dead}.0`);
    const liveDirs = bases.map((b) => `${b}/pvf-runtime.${sleeper.pid}.0`);
    try {
      for (const d of [...deadDirs, ...liveDirs]) mkdirSync(d);
      const removed = sweepStaleCgroups();
      expect(removed.sort()).toEqual([...deadDirs].sort());
      expect(liveDirs.every((d) => existsSync(d))).toBe(true);
    } finally {
      for (const d of [...deadDirs, ...liveDirs]) if (existsSync(d)) rmdirSync(d);
      sleeper.kill('SIGKILL');
    }
  });
});
