// The host's life as a plain script sees it, through real sealed workers: a pending job keeps
// the process alive (and an idle host does not), every close() call resolves only once the
// host is fully closed, and create/close cycles leave no fds, processes or growing memory.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HostClosedError } from '../../../src/host/errors.js';
import { ValidationHost } from '../../../src/host/validation-host.js';
import type { ValidationOutcome } from '../../../src/host/outcome.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, unhex } from '../../support/fixtures.js';
import { testBundles, testScript } from '../../support/worker-bundle.js';

const linux = process.platform === 'linux';
const run = promisify(execFile);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Whether any process is left in the process group `pgid`. */
const groupAlive = (pgid: number) => alive(-pgid);
const children = () =>
  readdirSync(`/proc/self/task`).flatMap((t) =>
    readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
  );
const fds = () => readdirSync('/proc/self/fd').length;
const rssMiB = () =>
  (Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]) * 4096) / 2 ** 20;

// Spins a job into its hard timeout, then awaits the next job on the same (respawned) worker
// with nothing else keeping the process alive, prints both outcomes and never calls close():
// the process must stay up for the second job and exit on its own once it is done.
const SCRIPT = `
import { readFileSync } from 'node:fs';
import { ValidationHost } from './src/host/validation-host.js';
import { infiniteLoopPvf } from './test/support/hostile-pvfs.js';
const [worker, launcher, adderPath, paramsHex] = process.argv.slice(2);
const params = Buffer.from(paramsHex, 'hex');
const host = await ValidationHost.create({ workers: 1, workerScript: worker, sandbox: { launcher },
  logger: { warn() {} } });
const first = host.workerPids[0];
const spin = await host.validate({ code: infiniteLoopPvf(), params, timeoutMs: 200 });
console.log('spin', spin.kind, spin.reason);
const next = await host.validate({ code: readFileSync(adderPath), params });
console.log('next', next.kind, host.workerPids[0] !== first);
`;

describe.runIf(linux && HAVE_FIXTURES)('host lifecycle', () => {
  const params = HAVE_FIXTURES
    ? unhex(JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8')).params)
    : new Uint8Array();
  const adder = HAVE_FIXTURES ? fixture('pvf/adder.wasm') : new Uint8Array();

  async function newHost(extra: Parameters<typeof ValidationHost.create>[0] = {}) {
    const b = await testBundles();
    return ValidationHost.create({
      workers: 2,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
      logger: { warn: () => {} },
      ...extra,
    });
  }

  it('a script gets the outcome of a job queued behind a hard timeout, then exits on its own', async () => {
    const b = await testBundles();
    const script = await testScript('lifecycle-keepalive.js', SCRIPT);
    const { stdout } = await run(
      process.execPath,
      [
        script,
        b.worker,
        b.launcher,
        `${FIXTURES_DIR}/pvf/adder.wasm`,
        Buffer.from(params).toString('hex'),
      ],
      { timeout: 60_000 },
    );
    // execFile rejects on a non-zero exit (13: "unsettled top-level await") or the timeout.
    expect(stdout.trim().split('\n')).toEqual(['spin invalid hard-timeout', 'next valid true']);
  });

  it('concurrent and repeated close() under load: each resolves only once everything is closed', async () => {
    const host = await newHost();
    const pids = host.workerPids;
    let settled = 0;
    const jobs = Array.from({ length: 400 }, () =>
      host.validate({ code: adder, params }).finally(() => settled++),
    );
    const all = Promise.allSettled(jobs);
    await jobs[3];
    const state = () => ({
      settled,
      workers: pids.filter(alive).length,
      groups: pids.filter(groupAlive).length,
    });
    const seen = await Promise.all([
      host.close().then(state),
      host.close().then(state),
      (async () => {
        await new Promise((r) => setTimeout(r, 2));
        await host.close();
        return state();
      })(),
    ]);
    seen.push(await host.close().then(state));
    for (const s of seen) expect(s).toEqual({ settled: 400, workers: 0, groups: 0 });
    for (const r of await all)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(HostClosedError);
      else expect((r.value as ValidationOutcome).kind).toBe('valid');
    await expect(host.validate({ code: adder, params })).rejects.toThrow(HostClosedError);
  });

  it('create/close cycles leave no child, no fd, and bounded memory', async () => {
    const cycle = async () => {
      const host = await newHost();
      expect((await host.validate({ code: adder, params })).kind).toBe('valid');
      await host.close();
    };
    // Warm-up: code and allocator pools reach their steady state.
    for (let i = 0; i < 3; i++) await cycle();
    const before = { fds: fds(), children: children().length, rss: rssMiB() };
    const N = 15;
    for (let i = 0; i < N; i++) await cycle();
    const after = { fds: fds(), children: children().length, rss: rssMiB() };
    expect(after.fds).toBe(before.fds);
    expect(after.children).toBe(before.children);
    // A leak of the size once reported (~0.1 MiB per cycle) would still pass this bound at
    // this N; `npm run bench -- host-cycles` runs hundreds of cycles and reports the slope.
    expect(after.rss - before.rss).toBeLessThan(24);
  });
});
