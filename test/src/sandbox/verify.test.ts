// verifySealed, the outside check: it must pass a sealed worker and catch every way a
// process can fall short (no filter, a thread the filter missed, io_uring rings, root kept,
// the host network namespace), and TSYNC is shown to be what covers pre-existing threads.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBattery } from '../../../src/sandbox/self-test/battery.js';
import { startLab, type Lab } from '../../../src/sandbox/self-test/lab.js';
import { SandboxOptionsError } from '../../../src/sandbox/options.js';
import { planWorker } from '../../../src/sandbox/spawn.js';
import { verifySealed } from '../../../src/sandbox/verify.js';
import { NODE_MAJOR } from '../../support/node-major.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import { eventually, reportOf, runSealed, SCRIPTS, without } from '../../support/sealed.js';

const ROOT = process.getuid?.() === 0;

describe.runIf(process.platform === 'linux')('verifySealed', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(() => lab.close());

  const plain = (args: string[], env: Record<string, string> = {}) =>
    spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], env });

  it('passes a sealed worker: every thread filtered with NNP, channel sockets only', async () => {
    const run = await runSealed(`${SCRIPTS}/report.mjs`, ['{}'], {
      whileAlive: (pid, expect) => verifySealed(pid, expect),
    });
    expect(run.inspected).toMatchObject({ kind: 'sealed' });
    expect((run.inspected as { threads: number }).threads).toBeGreaterThan(4);
    const seen = reportOf<{ seccomp: string; noNewPrivs: string }>(run);
    expect(seen).toMatchObject({ seccomp: '2', noNewPrivs: '1' });
  });

  it('checks the exec line: node flags and script exactly as planned', async () => {
    const flags = ['--single-threaded-gc'];
    const run = await runSealed(`${SCRIPTS}/report.mjs`, ['{}'], {
      nodeFlags: flags,
      whileAlive: (pid, expect) => [
        verifySealed(pid, expect),
        // Negative control: the same process against expectations without the flag.
        verifySealed(pid, { ...expect, nodeFlags: [] }),
      ],
    });
    const [planned, other] = run.inspected as [{ kind: string }, { problems: string[] }];
    expect(planned).toMatchObject({ kind: 'sealed' });
    expect(other.problems).toEqual([expect.stringMatching(/not the worker's flags and script/)]);
    expect(() =>
      planWorker({ script: `${SCRIPTS}/report.mjs`, nodeFlags: ['--x; rm -rf /'] }),
    ).toThrow(SandboxOptionsError);
  });

  it('catches a plain, unsealed process on every thread', async () => {
    const run = await runBattery(plain([`${SCRIPTS}/report.mjs`, '{}']), (pid) =>
      verifySealed(pid, { allowedSocketFds: [0, 1, 2] }),
    );
    const report = run.inspected as { kind: string; problems: string[] };
    expect(report.kind).toBe('unsealed');
    expect(report.problems.filter((p) => /Seccomp 0, not 2/.test(p)).length).toBeGreaterThan(4);
    expect(report.problems.some((p) => /NoNewPrivs 0, not 1/.test(p))).toBe(true);
  });

  it('catches io_uring rings (Node 20 with UV_USE_IO_URING=1, no filter)', async () => {
    const run = await runBattery(
      plain([`${SCRIPTS}/report.mjs`, '{}'], { UV_USE_IO_URING: '1' }),
      (pid) => verifySealed(pid, { allowedSocketFds: [0, 1, 2] }),
    );
    expect((run.inspected as { problems: string[] }).problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/is an io_uring ring/)]),
    );
  });

  // One retry: on Node 22 the unsynced process was once gone before the outside check ran (seen
  // once in a whole-suite run, never in isolation); the failure message carries its exit.
  it(
    'an in-process filter without TSYNC misses a thread: it connects, and the check sees it',
    { retry: 1 },
    async () => {
      const { unsyncedFilter } = await sandboxBundle();
      const port = String(lab.targets.tcp['worker thread']);
      const counter = lab.counters.get('worker thread')!;
      const before = counter.connections;
      const unsynced = await runBattery(plain([unsyncedFilter, port, 'no-tsync']), (pid) =>
        verifySealed(pid, { allowedSocketFds: [0, 1, 2] }),
      );
      expect(reportOf(unsynced)).toEqual({ main: 'EACCES', thread: 'ok' });
      expect(await eventually(() => counter.connections === before + 1)).toBe(true);
      expect(
        unsynced.inspected,
        `exit ${unsynced.code ?? unsynced.signal}, stderr: ${unsynced.stderr.slice(0, 500)}`,
      ).toMatchObject({ kind: 'unsealed' });
      const problems = (unsynced.inspected as { problems: string[] }).problems;
      expect(problems.some((p) => /Seccomp 0, not 2/.test(p))).toBe(true);

      const synced = await runBattery(plain([unsyncedFilter, port, 'tsync']), (pid) =>
        verifySealed(pid, { allowedSocketFds: [0, 1, 2] }),
      );
      expect(reportOf(synced)).toEqual({ main: 'EACCES', thread: 'EACCES' });
      expect(counter.connections).toBe(before + 1);
      // libuv 1.51 (Node 22 and 24) opens io_uring rings at start-up whatever UV_USE_IO_URING
      // says, before an in-process filter exists: the check rightly reports those (a launched
      // worker has none: the filter precedes its execve). Nothing else may be left.
      const left = synced.inspected as { kind: string; problems?: string[] };
      const rest = (left.problems ?? []).filter(
        (p) => !(NODE_MAJOR >= 22 && /io_uring ring/.test(p)),
      );
      expect(rest).toEqual([]);
      if (NODE_MAJOR < 22) expect(left).toMatchObject({ kind: 'sealed' });
    },
  );

  it.runIf(ROOT)('sees the uid drop, and catches a worker that kept root', async () => {
    const expectations = (pid: number, e: object) =>
      verifySealed(pid, { ...(e as { allowedSocketFds: number[] }), uid: 65534, gid: 65534 });
    const dropped = await runSealed(`${SCRIPTS}/report.mjs`, ['{}'], { whileAlive: expectations });
    expect(dropped.inspected).toMatchObject({ kind: 'sealed' });
    expect(reportOf<{ uid: string }>(dropped).uid).toBe('65534\t65534\t65534\t65534');
    const root = await runSealed(`${SCRIPTS}/report.mjs`, ['{}'], {
      mutate: without.identity,
      whileAlive: expectations,
    });
    expect(root.inspected).toMatchObject({
      kind: 'unsealed',
      problems: expect.arrayContaining([expect.stringMatching(/Uid 0 0 0 0, not 65534/)]),
    });
  });

  it.runIf(ROOT)('sees the new network namespace, and catches the host one', async () => {
    const check = (pid: number, e: object) =>
      verifySealed(pid, { ...(e as { allowedSocketFds: number[] }), newNetworkNamespace: true });
    const sealed = await runSealed(`${SCRIPTS}/report.mjs`, ['{}'], { whileAlive: check });
    expect(sealed.inspected).toMatchObject({ kind: 'sealed' });
    const host = await runSealed(`${SCRIPTS}/report.mjs`, ['{}'], {
      mutate: without.netns,
      whileAlive: check,
    });
    expect(host.inspected).toEqual({
      kind: 'unsealed',
      problems: ['network namespace is the host one'],
    });
  });

  it('catches a launcher that has not exec’d the worker yet (argv check), and a gone process', async () => {
    const run = await runBattery(plain([`${SCRIPTS}/report.mjs`, '{}']), (pid) =>
      verifySealed(pid, { allowedSocketFds: [0, 1, 2], script: '/elsewhere/worker.js' }),
    );
    expect((run.inspected as { problems: string[] }).problems[0]).toMatch(
      /argv is .*report\.mjs.*not the worker's flags and script/,
    );
    const child = plain(['-e', '0']);
    await new Promise((r) => child.on('close', r));
    expect(verifySealed(child.pid!, { allowedSocketFds: [] })).toEqual({ kind: 'gone' });
  });
});
