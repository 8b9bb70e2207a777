// The launcher's failure contract (one `pvf-launcher:` line, a distinct exit code), its
// report to the sealed program, and `pvf sandbox run` semantics on top of it.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LauncherExit } from '../../native/launch-config.js';
import { runBattery } from '../../src/sandbox/self-test/battery.js';
import { planCommand } from '../../src/sandbox/run-command.js';
import { startPlan } from '../../src/sandbox/spawn.js';
import { sandboxBundle } from '../support/sandbox-bundle.js';
import { reportOf, runSealed, SCRIPTS } from '../support/sealed.js';

const exited = (child: ReturnType<typeof spawn>) =>
  new Promise<{ code: number | null; signal: string | null; out: string; err: string }>(
    (resolve) => {
      let out = '';
      let err = '';
      child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (code, signal) => resolve({ code, signal, out, err }));
    },
  );

describe.runIf(process.platform === 'linux')('the launcher', () => {
  it('reports every layer to the sealed program in PVF_SANDBOX_LAYERS, and nothing else leaks into its env', async () => {
    process.env.NODE_OPTIONS = '--no-warnings';
    try {
      const r = reportOf<{ env: string[] }>(await runSealed(`${SCRIPTS}/report.mjs`, ['{}']));
      expect(r.env).toEqual(['PVF_SANDBOX_LAYERS', 'UV_USE_IO_URING']);
    } finally {
      delete process.env.NODE_OPTIONS;
    }
    const { launcher } = await sandboxBundle();
    const plan = planCommand(
      process.execPath,
      ['-e', 'console.log(process.env.PVF_SANDBOX_LAYERS)'],
      { launcher },
    );
    const { out } = await exited(startPlan(plan, ['ignore', 'pipe', 'pipe']));
    const layers = JSON.parse(out) as Record<string, { kind: string; detail?: string }>;
    expect(layers.seccomp).toEqual({
      kind: 'applied',
      detail: `${plan.config!.seccomp.program.length} instructions, all threads (TSYNC)`,
    });
    expect(layers.landlock?.kind).toBe('applied');
    expect(layers.cgroup).toEqual({ kind: 'off' }); // `sandbox run` has no worker cgroup
    expect(Object.keys(layers).sort()).toEqual([
      'capabilities',
      'cgroup',
      'coreDumps',
      'fds',
      'identity',
      'landlock',
      'netns',
      'parentDeath',
      'root',
      'seccomp',
      'session',
    ]);
    expect(layers.root?.kind).toBe('applied');
  });

  it('fails with one line and a distinct code: bad config, a Landlock path it cannot open, a forbidden exec', async () => {
    const { launcher } = await sandboxBundle();
    const bad = await exited(spawn(process.execPath, [launcher, '{"version":9}'], { env: {} }));
    expect(bad.code).toBe(LauncherExit.BadConfig);
    expect(bad.err).toBe('pvf-launcher: configuration: config.version must be 1\n');

    // Landlock's refusals: without the minimal root, which would make the paths not exist.
    const plan = planCommand('/bin/true', [], { launcher, namespaces: false });
    const config = JSON.parse(plan.args.at(-1)!);
    const run = (c: unknown) =>
      exited(spawn(plan.command, [...plan.args.slice(0, -1), JSON.stringify(c)], { env: {} }));

    const missing = await run({
      ...config,
      landlock: { ...config.landlock, readPaths: ['/nonexistent/pvf'] },
    });
    expect(missing.code).toBe(LauncherExit.Landlock);
    expect(missing.err).toMatch(/^pvf-launcher: landlock: .*\n$/);

    // /bin/true's files are not in the read rules of this config: execve is refused.
    const forbidden = await run({
      ...config,
      exec: { ...config.exec, path: '/usr/bin/env', argv: ['env'] },
    });
    expect(forbidden.code).toBe(LauncherExit.Exec);
    expect(forbidden.err).toBe('pvf-launcher: execve(/usr/bin/env): errno 13\n');
  });

  describe('pvf sandbox run semantics', () => {
    const runCmd = async (cmd: string, args: string[], opts = {}) => {
      const { launcher } = await sandboxBundle();
      return exited(
        startPlan(planCommand(cmd, args, { launcher, ...opts }), ['ignore', 'pipe', 'pipe']),
      );
    };

    it('passes the exit status through and runs as the dropped uid', async () => {
      expect((await runCmd('sh', ['-c', 'exit 7'])).code).toBe(7);
      const id = await runCmd('id', ['-u']);
      expect(id.out.trim()).toBe(process.getuid?.() === 0 ? '65534' : String(process.getuid?.()));
    });

    it('reads only the command’s own files unless --allow-read grants more', async () => {
      const denied = await runCmd('cat', ['/etc/hostname']);
      expect(denied.code).not.toBe(0);
      // Not in the minimal root at all; without it, Landlock refuses the read.
      expect(denied.err).toMatch(/No such file or directory/);
      const landlocked = await runCmd('cat', ['/etc/hostname'], { namespaces: false });
      expect(landlocked.err).toMatch(/Permission denied/);
      const allowed = await runCmd('cat', ['/etc/hostname'], { allowRead: ['/etc/hostname'] });
      expect(allowed.code).toBe(0);
    });

    it('a kill-mode filter ends a connecting command with SIGSYS', async () => {
      const r = await runCmd(process.execPath, ['-e', "require('net').connect(9,'127.0.0.1')"], {
        network: 'kill',
      });
      expect(r).toMatchObject({ code: null, signal: 'SIGSYS' });
    });
  });

  it('a battery process that never reports is still collected (no hang)', async () => {
    const run = await runBattery(
      spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'pipe' }),
      () => 'x',
    );
    expect(run).toMatchObject({ report: null, code: 3, inspected: undefined });
  });
});
