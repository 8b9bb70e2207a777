// Options, the secure-mode policy and the refusals of spawnSealed (pure checks), then the
// status probe and the self-test end to end.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLaunchConfig, LaunchConfigError } from '../../../native/launch-config.js';
import { secureModeDecision } from '../../../src/sandbox/launch-plan.js';
import {
  DEFAULT_SANDBOX_OPTIONS,
  resolveSandboxOptions,
  SandboxOptionsError,
} from '../../../src/sandbox/options.js';
import { probeSandbox } from '../../../src/sandbox/probe.js';
import { runSelfTest } from '../../../src/sandbox/self-test/run.js';
import { planWorker } from '../../../src/sandbox/spawn.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import { SCRIPTS } from '../../support/sealed.js';

describe('sandbox options and policy', () => {
  it('defaults: EACCES, every layer on, drop to 65534, no opt-outs', () => {
    expect(resolveSandboxOptions()).toEqual(DEFAULT_SANDBOX_OPTIONS);
    expect(DEFAULT_SANDBOX_OPTIONS).toMatchObject({
      network: 'errno',
      landlock: true,
      networkNamespace: true,
      dropIdentity: { uid: 65534, gid: 65534 },
      requireAllLayers: false,
      insecureNoSandbox: false,
    });
  });

  it('names the bad option', () => {
    expect(() => resolveSandboxOptions({ network: 'drop' as 'kill' })).toThrow(/sandbox\.network/);
    expect(() => resolveSandboxOptions({ landlock: 'yes' as unknown as boolean })).toThrow(
      /sandbox\.landlock/,
    );
    expect(() => resolveSandboxOptions({ dropIdentity: { uid: 0, gid: 1 } })).toThrow(
      /dropIdentity\.uid/,
    );
    expect(() => resolveSandboxOptions({ allowRead: [''] })).toThrow(SandboxOptionsError);
  });

  it('secure mode: seccomp is required; only the explicit opt-out runs without it', () => {
    const missing = { ok: false, reason: 'darwin: no seccomp' } as const;
    expect(secureModeDecision({ ok: true }, { insecureNoSandbox: false })).toEqual({
      kind: 'sealed',
    });
    expect(secureModeDecision({ ok: true }, { insecureNoSandbox: true })).toEqual({
      kind: 'sealed',
    });
    expect(secureModeDecision(missing, { insecureNoSandbox: true })).toEqual({
      kind: 'insecure',
      reason: 'darwin: no seccomp',
    });
    const refused = secureModeDecision(missing, { insecureNoSandbox: false });
    expect(refused.kind).toBe('refuse');
    expect(refused.kind === 'refuse' && refused.reason).toMatch(
      /darwin: no seccomp.*--insecure-no-sandbox/,
    );
  });

  it.runIf(process.platform === 'linux')(
    'spawnSealed refuses IPC channels, dangerous env, relative scripts, missing paths',
    () => {
      const script = `${SCRIPTS}/report.mjs`;
      expect(() =>
        planWorker({ script, stdio: ['pipe', 'pipe', 'pipe', 'ipc' as 'pipe'] }),
      ).toThrow(/'ipc' is refused/);
      for (const name of ['NODE_OPTIONS', 'LD_PRELOAD', 'UV_USE_IO_URING'])
        expect(() => planWorker({ script, env: { [name]: 'x' } })).toThrow(/is refused/);
      expect(() => planWorker({ script: 'worker.js' })).toThrow(/absolute/);
      expect(() => planWorker({ script: '/nonexistent/worker.js' })).toThrow(SandboxOptionsError);
      expect(() => planWorker({ script, sandbox: { allowRead: ['/nonexistent/pvf'] } })).toThrow(
        /does not exist/,
      );
      expect(
        planWorker({ script, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'ignore', 'pipe'] }).config
          ?.keepFds,
      ).toEqual([3, 5]);
    },
  );

  it.runIf(process.platform === 'linux' && process.getuid?.() === 0)(
    'as root, refuses a worker script the dropped uid cannot read (e.g. a 0700 temp folder)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'pvf-private-')); // mode 0700
      try {
        writeFileSync(join(dir, 'worker.js'), '');
        expect(() => planWorker({ script: join(dir, 'worker.js') })).toThrow(
          /uid 65534.*pvf-private-.* is not (readable|searchable)/,
        );
        chmodSync(dir, 0o755);
        expect(() => planWorker({ script: join(dir, 'worker.js') })).not.toThrow();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('the launcher configuration is checked field by field', () => {
    expect(() => decodeLaunchConfig(undefined)).toThrow(LaunchConfigError);
    expect(() => decodeLaunchConfig('{')).toThrow(/not JSON/);
    const good = {
      version: 1,
      exec: { path: '/bin/true', argv: ['true'], env: {} },
      keepFds: [],
      netns: 'off',
      identity: { mode: 'off', uid: 0, gid: 0 },
      landlock: { mode: 'off', readPaths: [], readWritePaths: [] },
      seccomp: { mode: 'required', program: [{ code: 6, jt: 0, jf: 0, k: 0x7fff0000 }] },
      capabilities: 'required',
      parentDeath: 'required',
      root: { mode: 'optional', readPaths: ['/usr/bin/true'], proc: true },
      cgroupProcs: ['/sys/fs/cgroup/pvf-runtime.1.0/cgroup.procs'],
    };
    expect(decodeLaunchConfig(JSON.stringify(good))).toEqual(good);
    const bad = (patch: object, msg: RegExp) =>
      expect(() => decodeLaunchConfig(JSON.stringify({ ...good, ...patch }))).toThrow(msg);
    bad({ exec: { ...good.exec, path: 'true' } }, /exec\.path must be an absolute path/);
    bad({ exec: { ...good.exec, argv: [] } }, /exec\.argv is empty/);
    bad({ exec: { ...good.exec, env: { A: 'x\0y' } } }, /exec\.env\.A/);
    bad({ keepFds: [2] }, /keepFds\[0\]/);
    bad({ netns: 'maybe' }, /netns must be/);
    bad({ capabilities: 'some' }, /capabilities must be/);
    bad({ root: { ...good.root, readPaths: ['usr'] } }, /root\.readPaths\[0\]/);
    bad({ root: { ...good.root, proc: 1 } }, /root\.proc must be a boolean/);
    bad({ cgroupProcs: ['/etc/passwd'] }, /cgroupProcs\[0\] must be a cgroup\.procs file/);
    bad({ cgroupProcs: ['/sys/fs/cgroup/../../etc/cgroup.procs'] }, /cgroupProcs\[0\]/);
    const { cgroupProcs: _, ...older } = good;
    expect(decodeLaunchConfig(JSON.stringify(older)).cgroupProcs).toEqual([]);
    bad(
      { seccomp: { mode: 'required', program: [{ code: 6, jt: 0, jf: 0, k: 2 ** 32 }] } },
      /program\[0\]\.k/,
    );
  });
});

describe.runIf(process.platform === 'linux')('status and self-test, end to end', () => {
  it('status: every layer available and applied on this machine (root, Landlock, seccomp)', async () => {
    const { launcher } = await sandboxBundle();
    const status = await probeSandbox({ launcher });
    const byLayer = Object.fromEntries(status.layers.map((l) => [l.layer, l]));
    expect(byLayer['seccomp network filter']).toMatchObject({
      available: true,
      applied: true,
      required: true,
    });
    expect(byLayer['fd hygiene']).toMatchObject({ applied: true });
    if (process.getuid?.() === 0) expect(status.verdict).toEqual({ kind: 'secure' });
    else expect(['secure', 'degraded']).toContain(status.verdict.kind);
  });

  it('status: a layer switched off is reported as not applied', async () => {
    const { launcher } = await sandboxBundle();
    const status = await probeSandbox({ launcher, landlock: false });
    expect(status.layers.find((l) => l.layer === 'Landlock')).toMatchObject({
      applied: false,
      detail: 'disabled',
    });
  });

  it('self-test: every attempt is blocked, with evidence', async () => {
    const { launcher } = await sandboxBundle();
    const report = await runSelfTest({ launcher });
    expect(report.rows.filter((r) => !r.blocked)).toEqual([]);
    expect(report.allBlocked).toBe(true);
    const attempts = report.rows.map((r) => r.attempt);
    for (const a of [
      'net.connect',
      'fetch',
      'dgram.send',
      'worker thread',
      'child process',
      'io_uring_setup',
      'pidfd_getfd (parent socket)',
      'i386-socket-connect',
      'x32-socket',
    ])
      expect(attempts).toContain(a);
    expect(report.rows.find((r) => r.attempt === 'net.connect')!.evidence).toBe(
      'listener got 0 conn/packets, 0 bytes',
    );
  });
});
