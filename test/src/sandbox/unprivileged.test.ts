// The sandbox when the host is not root: no uid drop is possible (the host already is
// unprivileged) and the launcher cannot unshare, so the new network namespace comes from a
// user namespace made by util-linux `unshare` around the launcher. Run here by dropping this
// test's host to uid 65534 with setpriv (needs root to start).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SandboxStatus } from '../../../src/sandbox/probe.js';
import type { SelfTestReport } from '../../../src/sandbox/self-test/run.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';

const SETPRIV = '/usr/bin/setpriv';
const run = promisify(execFile);

describe.runIf(process.platform === 'linux' && process.getuid?.() === 0 && existsSync(SETPRIV))(
  'an unprivileged host (uid 65534)',
  () => {
    const asNobody = async <T>(what: string): Promise<T> => {
      const { launcher, asUser } = await sandboxBundle();
      const { stdout } = await run(
        SETPRIV,
        [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          process.execPath,
          asUser,
          launcher,
          what,
        ],
        { env: {}, cwd: '/', timeout: 30_000 },
      );
      return JSON.parse(stdout) as T;
    };

    it('status: seccomp, Landlock and a user-namespace netns applied; uid drop not applicable; no cgroup delegated, said so', async () => {
      const status = await asNobody<SandboxStatus>('status');
      const byLayer = Object.fromEntries(status.layers.map((l) => [l.layer, l]));
      expect(byLayer['seccomp network filter']).toMatchObject({ applied: true });
      expect(byLayer['Landlock']).toMatchObject({ applied: true });
      expect(byLayer['network namespace']).toMatchObject({
        applied: true,
        detail: expect.stringMatching(/--user --net/),
      });
      expect(byLayer['uid/gid drop']).toMatchObject({
        available: false,
        applied: false,
        detail: expect.stringMatching(/not root/),
      });
      // Where nothing is delegated to uid 65534 (as here) that is reported, with what holds.
      const cgroup = byLayer['worker cgroup']!;
      if (cgroup.available) {
        expect(cgroup.applied).toBe(true);
        expect(status.verdict).toEqual({ kind: 'secure' });
      } else {
        expect(cgroup).toMatchObject({
          applied: false,
          detail: expect.stringMatching(
            /not delegated.*fallback: the seccomp filter still denies fork/s,
          ),
        });
        expect(status.verdict).toEqual({ kind: 'degraded', missing: ['worker cgroup'] });
      }
    });

    it('status: PID, IPC and mount namespaces and the minimal root through a user namespace; without them still secure', async () => {
      const status = await asNobody<SandboxStatus>('status');
      const byLayer = Object.fromEntries(status.layers.map((l) => [l.layer, l]));
      for (const layer of [
        'PID namespace',
        'IPC namespace',
        'minimal root (mount namespace)',
        'no capabilities',
        'dies with its parent',
      ])
        expect(byLayer[layer], layer).toMatchObject({ available: true, applied: true });
      const without = await asNobody<SandboxStatus>('status-no-namespaces');
      const off = Object.fromEntries(without.layers.map((l) => [l.layer, l]));
      expect(off['PID namespace']).toMatchObject({ applied: false, detail: 'disabled' });
      expect(off['no capabilities']).toMatchObject({ applied: true });
      // Switched off is not missing: the verdict is what it is with them (secure, or degraded
      // by an undelegated worker cgroup only, as the test above finds).
      expect(without.verdict).toEqual(
        off['worker cgroup']!.available
          ? { kind: 'secure' }
          : { kind: 'degraded', missing: ['worker cgroup'] },
      );
    });

    it('self-test: every attempt blocked without root (same uid as the parent)', async () => {
      const report = await asNobody<SelfTestReport>('self-test');
      expect(report.rows.filter((r) => !r.blocked)).toEqual([]);
      expect(report.rows.length).toBeGreaterThan(20);
    });
  },
);
