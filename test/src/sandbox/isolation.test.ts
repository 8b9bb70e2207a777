// Catalog: the isolation layers (own PID, IPC and mount namespaces, the minimal root, the
// parent-death signal), attacked from real sealed processes with native code and judged from
// outside (a victim's signal log, ipcs, /proc). Each has a negative control: the same attack
// with the layer taken away gets through.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLaunchConfig, encodeLaunchConfig } from '../../../native/launch-config.js';
import type { AttemptResult } from '../../../native/self-test/protocol.js';
import { isolationRoute } from '../../../src/sandbox/host-support.js';
import { resolveSandboxOptions } from '../../../src/sandbox/options.js';
import { isolationRows } from '../../../src/sandbox/self-test/isolation.js';
import { koffiReadPaths } from '../../../src/sandbox/self-test/run.js';
import { killSealed, planWorker, sealedPid, trackPlanChild } from '../../../src/sandbox/spawn.js';
import { verifySealed } from '../../../src/sandbox/verify.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import {
  eventually,
  filterWithout,
  minus,
  reportOf,
  runSealed,
  SCRIPTS,
  settle,
  SYSV_IPC,
  without,
} from '../../support/sealed.js';

const root = process.getuid?.() === 0;
const isolated = process.platform === 'linux' && isolationRoute(true).kind === 'unshare';

/** Alive and not a zombie (a zombie has run its last instruction). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

const firstLine = (child: ChildProcess): Promise<string> =>
  new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`exited (${code}) before reporting`)));
  });

const killAll = (pids: number[]) => {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
};

describe.runIf(isolated)('isolation: PID, IPC and mount namespaces, minimal root', () => {
  const run = async (targets: object, opts: Parameters<typeof runSealed>[2] = {}) => {
    const { isolationAttacks } = await sandboxBundle();
    const r = await runSealed(isolationAttacks, [JSON.stringify(targets)], {
      ...opts,
      sandbox: { allowRead: koffiReadPaths(), ...opts.sandbox },
    });
    return Object.fromEntries(
      reportOf<{ results: AttemptResult[] }>(r).results.map((a) => [a.id, a]),
    );
  };

  describe('PID namespace: no host process visible or signalable', () => {
    const noPrlimitRule = filterWithout(['prlimit64']);
    let victim: ChildProcess;
    let signals = '';
    beforeAll(async () => {
      // Same uid as the sealed process, so only the namespace can stand in the way.
      const code =
        "process.on('SIGUSR1',()=>console.log('SIGUSR1'));console.log('ready');setInterval(()=>{},1e3)";
      victim = root
        ? spawn('/usr/bin/setpriv', [
            '--reuid=65534',
            '--regid=65534',
            '--clear-groups',
            process.execPath,
            '-e',
            code,
          ])
        : spawn(process.execPath, ['-e', code]);
      victim.stdout!.on('data', (d: Buffer) => (signals += d.toString()));
      await eventually(() => signals.includes('ready'));
    });
    afterAll(() => victim.kill('SIGKILL'));

    it('kill, a read-only prlimit64 probe and /proc find nothing of the host (Landlock off)', async () => {
      const byId = await run(
        { victimPid: victim.pid },
        // The filter denies prlimit64 on other pids too: without that rule, only the
        // namespace stands in the way.
        { mutate: minus(without.landlock, noPrlimitRule), sandbox: { namespaces: true } },
      );
      expect(byId['kill(host pid, SIGUSR1)']).toMatchObject({ succeeded: false });
      expect(byId['kill(host pid, SIGUSR1)']!.detail).toMatch(/ESRCH/);
      expect(byId['prlimit64 probe (host pid)']!.detail).toMatch(/ESRCH/);
      expect(byId['kill(1, 0)']).toEqual({
        id: 'kill(1, 0)',
        succeeded: false,
        detail: 'pid 1 is this process itself',
      });
      expect(byId['list host processes (/proc)']).toMatchObject({ succeeded: false });
      await settle();
      expect(signals).not.toMatch(/SIGUSR1/);
    });

    it('negative control: without the namespaces (and Landlock) the same attacks reach the victim', async () => {
      const byId = await run(
        { victimPid: victim.pid },
        { mutate: minus(without.landlock, noPrlimitRule) },
      );
      expect(byId['prlimit64 probe (host pid)']).toMatchObject({ succeeded: true });
      expect(byId['kill(host pid, SIGUSR1)']).toMatchObject({ succeeded: true });
      expect(await eventually(() => signals.includes('SIGUSR1'))).toBe(true);
    });
  });

  describe('IPC namespace: the host’s SysV objects are out of reach', () => {
    let msqid: number;
    let shmid: number;
    beforeAll(() => {
      const id = (out: string) => Number(/id:\s*(\d+)/.exec(out)![1]);
      msqid = id(execFileSync('ipcmk', ['-Q', '-p', '0666'], { encoding: 'utf8' }));
      shmid = id(execFileSync('ipcmk', ['-M', '4096', '-p', '0666'], { encoding: 'utf8' }));
    });
    afterAll(() => {
      execFileSync('ipcrm', ['-q', String(msqid), '-m', String(shmid)]);
    });
    /** Messages on our queue and attaches of our segment, as `ipcs` sees them from outside. */
    const outside = () => {
      const row = (kind: string, id: number) =>
        execFileSync('ipcs', [kind], { encoding: 'utf8' })
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .find((f) => f[1] === String(id))!;
      return { messages: Number(row('-q', msqid)[5]), attached: Number(row('-m', shmid)[5]) };
    };

    it('msgsnd and shmat on the host’s ids fail, and ipcs outside sees nothing', async () => {
      const { isolationAttacks } = await sandboxBundle();
      // The filter denies SysV IPC too: without those rules, only the namespace stands in the way.
      const r = await runSealed(isolationAttacks, [JSON.stringify({ msqid, shmid })], {
        sandbox: { allowRead: koffiReadPaths(), namespaces: true },
        mutate: filterWithout(SYSV_IPC),
        whileAlive: () => outside(),
      });
      const byId = Object.fromEntries(
        reportOf<{ results: AttemptResult[] }>(r).results.map((a) => [a.id, a]),
      );
      expect(byId['SysV msgsnd (host queue)']).toMatchObject({ succeeded: false });
      expect(byId['SysV shmat (host segment)']).toMatchObject({ succeeded: false });
      expect(r.inspected).toEqual({ messages: 0, attached: 0 });
    });

    it('negative control: without the namespaces the message arrives and the segment is attached', async () => {
      const { isolationAttacks } = await sandboxBundle();
      const r = await runSealed(isolationAttacks, [JSON.stringify({ msqid, shmid })], {
        sandbox: { allowRead: koffiReadPaths(), namespaces: false },
        mutate: filterWithout(SYSV_IPC),
        whileAlive: () => outside(),
      });
      expect(r.inspected).toEqual({ messages: 1, attached: 1 });
      execFileSync('ipcrm', ['-q', String(msqid)]);
      msqid = Number(
        /id:\s*(\d+)/.exec(execFileSync('ipcmk', ['-Q', '-p', '0666'], { encoding: 'utf8' }))![1],
      );
    });
  });

  describe('minimal root: nothing of the host filesystem beyond what the program needs', () => {
    let dir: string;
    let file: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pvf-root-'));
      chmodSync(dir, 0o755);
      file = join(dir, 'host.txt');
      writeFileSync(file, 'host file', { mode: 0o644 });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const plan = () => JSON.stringify({ reads: [file, '/etc/passwd', `${SCRIPTS}/report.mjs`] });

    it('reads outside are ENOENT even without Landlock, and the outside check sees the root', async () => {
      const r = await runSealed(`${SCRIPTS}/report.mjs`, [plan()], {
        mutate: without.landlock,
        sandbox: { namespaces: true },
        whileAlive: (pid, expect) => verifySealed(pid, expect),
      });
      expect(reportOf<{ reads: string[] }>(r).reads).toEqual(['ENOENT', 'ENOENT', 'ok']);
      expect(r.inspected).toMatchObject({ kind: 'sealed' });
    });

    it('negative control: without the minimal root the reads succeed, and the check refuses', async () => {
      const r = await runSealed(`${SCRIPTS}/report.mjs`, [plan()], {
        mutate: minus(without.landlock, without.root),
        sandbox: { namespaces: true },
        whileAlive: (pid, expect) => verifySealed(pid, expect),
      });
      expect(reportOf<{ reads: string[] }>(r).reads).toEqual(['ok', 'ok', 'ok']);
      expect(r.inspected).toMatchObject({
        kind: 'unsealed',
        problems: expect.arrayContaining([
          expect.stringMatching(/root is .*, not the minimal root/),
        ]),
      });
    });
  });

  describe('a worker and all its descendants die together', () => {
    const spin = join(SCRIPTS, 'spin.mjs');

    it('the worker filter refuses a grandchild; allowed, a detached one dies with its worker, and without the PID namespace it lives on', async () => {
      const { launcher } = await sandboxBundle();
      // `forks`: the filter minus its no-new-processes rule, so that the PID namespace alone
      // is what ends the grandchild (and, in the control, what fails to).
      const start = (namespaces: boolean, forks: boolean) => {
        const plan = planWorker({ script: spin, sandbox: { launcher, namespaces } });
        const args = [...plan.args];
        if (forks)
          args[args.length - 1] = encodeLaunchConfig(
            without.newProcessRule(decodeLaunchConfig(args.at(-1))),
          );
        return trackPlanChild(plan, spawn(plan.command, args, { env: {} }));
      };
      const refused = start(true, false);
      try {
        expect(JSON.parse(await firstLine(refused))).toEqual({
          grandchild: null,
          spawnError: 'EPERM',
        });
        expect(childrenOf(sealedPid(refused)!)).toEqual([]);
      } finally {
        killSealed(refused);
      }
      for (const namespaces of [true, false]) {
        const child = start(namespaces, true);
        await firstLine(child);
        const worker = sealedPid(child)!;
        expect(await eventually(() => childrenOf(worker).length > 0)).toBe(true);
        const grandchildren = childrenOf(worker);
        process.kill(worker, 'SIGKILL');
        try {
          if (namespaces) {
            expect(await eventually(() => !grandchildren.some(alive))).toBe(true);
          } else {
            await settle();
            expect(grandchildren.every(alive)).toBe(true);
          }
        } finally {
          killAll([worker, ...grandchildren]);
        }
      }
    });

    it('a worker spinning in wasm, and its grandchild, die when the host is SIGKILLed; the control lives on', async () => {
      const { launcher, orphanHost } = await sandboxBundle();
      for (const mode of ['sealed', 'control'] as const) {
        const host = spawn(process.execPath, [orphanHost, launcher, spin, mode], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const { worker } = JSON.parse(await firstLine(host)) as { worker: number };
        expect(await eventually(() => childrenOf(worker).length > 0)).toBe(true);
        const tree = [worker, ...childrenOf(worker)];
        expect(tree.every(alive)).toBe(true);
        host.kill('SIGKILL');
        try {
          if (mode === 'sealed') {
            expect(await eventually(() => !tree.some(alive))).toBe(true);
          } else {
            await new Promise((r) => setTimeout(r, 500));
            expect(tree.every(alive)).toBe(true);
          }
        } finally {
          killAll(tree);
        }
      }
    });
  });
});

describe.runIf(isolated)('pvf sandbox self-test, isolation rows', () => {
  it('judges from outside: blocked when sealed; the control (no namespaces, Landlock or uid drop) shows each bypass', async () => {
    const { isolationAttacks, launcher } = await sandboxBundle();
    const options = resolveSandboxOptions({ launcher, allowRead: koffiReadPaths() });
    const sealed = await isolationRows(isolationAttacks, options);
    expect(sealed.filter((r) => !r.blocked)).toEqual([]);
    expect(sealed.length).toBe(8);
    const control = await isolationRows(isolationAttacks, {
      ...options,
      namespaces: false,
      landlock: false,
      dropIdentity: null, // the target is this process: same uid, so only the layers stop it
    });
    const byId = Object.fromEntries(control.map((r) => [r.attempt, r]));
    for (const id of [
      'kill(host pid, SIGUSR1)',
      'read a host file outside the rules',
      'isolation battery: checked from outside',
    ])
      expect(byId[id]?.blocked, id).toBe(false);
    expect(byId['kill(host pid, SIGUSR1)']!.evidence).toBe('SIGUSR1 received here: 1');
    // prlimit64 on another pid and SysV IPC are the filter's too (their namespace-only
    // controls are above): still refused here, and nothing arrived.
    for (const id of [
      'prlimit64 probe (host pid)',
      'SysV msgsnd (host queue)',
      'SysV shmat (host segment)',
    ])
      expect(byId[id], id).toMatchObject({ blocked: true, actual: expect.stringMatching(/EPERM/) });
    expect(byId['SysV msgsnd (host queue)']!.evidence).toBe('messages on the queue: 0');
    expect(byId['SysV shmat (host segment)']!.evidence).toBe('attaches while it ran: 0');
  });
});

describe.runIf(process.platform === 'linux' && !isolated)('isolation unavailable here', () => {
  it('is reported, not silently missing', () => {
    const route = isolationRoute(true);
    expect(route.kind === 'unavailable' && route.reason.length > 0).toBe(true);
  });
});
