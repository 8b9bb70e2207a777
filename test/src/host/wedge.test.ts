// A worker that leaves a process holding its pipes cannot wedge the host: the job settles on
// the worker's exit (with a bounded drain), the slot is refilled, and close() resolves. The
// worker is the real one, started by a test-only entry that first spawns a pipe holder (what
// one line of JavaScript in a compromised worker could do). Sealed as every worker, the
// filter refuses the holder (no new processes); the other tests take that one rule away
// (forkingLauncher) to show the next lines of defence.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, unhex } from '../../support/fixtures.js';
import { infiniteLoopPvf } from '../../support/hostile-pvfs.js';
import { forkingLauncher, testBundles, testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';
/** Unique to this test process, so cleanup touches only holders this run started. */
const MARK = `pvf-test-pipe-holder-${process.pid}`;

/** A real worker whose first act is to start a child inheriting its stdio (its channel). */
const holderWorker = (detached: boolean, mark: string) => `
import { spawn } from 'node:child_process';
try {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', '${mark}'],
    { stdio: 'inherit', detached: ${detached} });
  c.unref();
} catch (err) {
  process.stderr.write('holder refused: ' + err.code + '\\n');
}
await import('./runtime/worker.ts');
`;

/** Pids of live processes whose command line carries `mark`. */
function holders(mark: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(mark);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(() => {
  for (const pid of holders(MARK)) process.kill(pid, 'SIGKILL');
});

describe.runIf(linux && HAVE_FIXTURES)('a pipe-holding descendant cannot wedge the host', () => {
  const params = HAVE_FIXTURES
    ? unhex(JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8')).params)
    : new Uint8Array();

  async function hostWith(
    script: string,
    sandbox: { namespaces?: boolean; cgroup?: null } = {},
    forks = true,
  ) {
    const b = await testBundles();
    return ValidationHost.create({
      workers: 1,
      // One process (no warm spare), so that the worker and its holder are the only ones.
      isolation: 'none',
      workerScript: script,
      sandbox: { launcher: forks ? await forkingLauncher() : b.launcher, ...sandbox },
      logger: { warn: () => {} },
    });
  }

  it('sealed as every worker, the filter refuses the holder; the worker serves', async () => {
    const mark = `${MARK}-refused`;
    const script = await testScript('wedge-refused.js', holderWorker(true, mark));
    const host = await hostWith(script, {}, false);
    try {
      expect(holders(mark)).toEqual([]);
      expect((await host.validate({ code: fixture('pvf/adder.wasm'), params })).kind).toBe('valid');
    } finally {
      await host.close();
    }
  });

  it('a holder that left the process group: the job settles, the slot is refilled, close() resolves', async () => {
    const mark = `${MARK}-detached`;
    // Without the PID namespace and the worker cgroup, which alone reach a holder that left
    // the group (next test): the host itself must not depend on them.
    const host = await hostWith(await testScript('wedge-detached.js', holderWorker(true, mark)), {
      namespaces: false,
      cgroup: null,
    });
    const [pid] = host.workerPids;
    expect(holders(mark)).toHaveLength(1);
    let outcomes = 0;
    const out = await host
      .validate({ code: infiniteLoopPvf(), params, timeoutMs: 200 })
      .finally(() => outcomes++);
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    // The holder escaped the group kill and still holds the old channel; the host does not
    // wait for it.
    expect(holders(mark).length).toBeGreaterThanOrEqual(1);
    expect(host.workerPids).not.toContain(pid);
    const next = await host.validate({ code: fixture('pvf/adder.wasm'), params });
    expect(next.kind).toBe('valid');
    const closed = host.close().then(() => 'closed');
    expect(await Promise.race([closed, sleep(10_000).then(() => 'wedged')])).toBe('closed');
    expect(outcomes).toBe(1);
  });

  it('in its PID namespace, even a holder that left the group dies with the worker', async () => {
    const mark = `${MARK}-pidns`;
    const host = await hostWith(await testScript('wedge-pidns.js', holderWorker(true, mark)));
    expect(holders(mark)).toHaveLength(1);
    const out = await host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 200 });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    await host.close();
    for (let i = 0; i < 50 && holders(mark).length > 0; i++) await sleep(20);
    expect(holders(mark)).toEqual([]);
  });

  it('a holder in the worker’s process group dies with the worker', async () => {
    const mark = `${MARK}-group`;
    const host = await hostWith(await testScript('wedge-group.js', holderWorker(false, mark)));
    expect(holders(mark)).toHaveLength(1);
    const out = await host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 200 });
    expect(out).toMatchObject({ kind: 'invalid', reason: 'hard-timeout' });
    // The respawned worker started a holder of its own; the first one is gone.
    await host.close();
    for (let i = 0; i < 50 && holders(mark).length > 0; i++) await sleep(20);
    expect(holders(mark)).toEqual([]);
  });

  it('negative control: killing only the worker leaves its holder alive and its pipes open (no close event)', async () => {
    const mark = `${MARK}-control`;
    const script = await testScript('wedge-control.js', holderWorker(false, mark));
    // Unsealed and without the host: the same worker entry, its channel made by spawn().
    const child: ChildProcess = spawn(process.execPath, [script], { stdio: 'pipe' });
    const exited = new Promise((r) => child.once('exit', r));
    const closed = new Promise((r) => child.once('close', () => r('close')));
    for (let i = 0; i < 100 && holders(mark).length === 0; i++) await sleep(20);
    expect(holders(mark)).toHaveLength(1);
    child.kill('SIGKILL');
    await exited;
    expect(await Promise.race([closed, sleep(1500).then(() => 'still open')])).toBe('still open');
    expect(holders(mark)).toHaveLength(1);
    for (const p of holders(mark)) process.kill(p, 'SIGKILL');
    expect(await closed).toBe('close');
  });
});
