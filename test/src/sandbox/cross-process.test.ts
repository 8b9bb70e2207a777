// Catalog D (inherited fds), E (borrowing another process's network or memory) and F (the
// sandbox persists) from the sandbox research notes. Native attacks run in a sealed child
// with koffi readable; the parent is this test process, which holds a live TCP connection
// to the lab and secret bait memory. Each layer is shown to stop the cross-process attacks
// on its own, and the control (Polkadot's network-only filter, root, no Landlock) shows that
// they work when none of them is there.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadLibc } from '../../../native/linux/libc.js';
import type { AttemptResult } from '../../../native/self-test/protocol.js';
import { startLab, type Lab } from '../../../src/sandbox/self-test/lab.js';
import { koffiReadPaths } from '../../../src/sandbox/self-test/run.js';
import { verifySealed } from '../../../src/sandbox/verify.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import {
  eventually,
  minus,
  reportOf,
  runSealed,
  SCRIPTS,
  settle,
  without,
} from '../../support/sealed.js';

const CROSS = [
  'pidfd_getfd (parent socket)',
  'ptrace (parent)',
  '/proc/<ppid>/mem write',
  'process_vm_readv (parent)',
];

describe.runIf(process.platform === 'linux' && process.getuid?.() === 0)(
  'cross-process attacks (root host)',
  () => {
    let lab: Lab;
    beforeEach(async () => {
      lab = await startLab();
    });
    afterEach(() => lab.close());

    const attack = async (mutate?: Parameters<typeof minus>[0]) => {
      const { nativeAttacks } = await sandboxBundle();
      const stolenBefore = lab.counters.get('parent socket')!.bytes;
      const run = await runSealed(nativeAttacks, [JSON.stringify(lab.targets), 'batch'], {
        sandbox: { allowRead: koffiReadPaths() },
        ...(mutate ? { mutate } : {}),
      });
      const byId = Object.fromEntries(
        reportOf<{ results: AttemptResult[] }>(run).results.map((r) => [r.id, r]),
      );
      // Evidence in flight: wait for the stolen write if the attack claims one, else settle.
      if (byId['pidfd_getfd (parent socket)']?.succeeded)
        await eventually(() => lab.counters.get('parent socket')!.bytes > stolenBefore);
      else await settle();
      return {
        byId,
        stolen: lab.counters.get('parent socket')!.bytes - stolenBefore,
        baitIntact: lab.bait.read().equals(lab.bait.secret),
      };
    };

    it('E: fully sealed, every cross-process attack fails and the parent is untouched', async () => {
      const { byId, stolen, baitIntact } = await attack();
      for (const id of [...CROSS, 'kill(parent, 0)']) expect(byId[id]?.succeeded, id).toBe(false);
      expect(stolen).toBe(0);
      expect(baitIntact).toBe(true);
    });

    it('E, negative control: network-only filter, root, no Landlock: all four get through', async () => {
      const { byId, stolen, baitIntact } = await attack(
        minus(without.hardening, without.identity, without.capabilities, without.landlock),
      );
      for (const id of CROSS) expect(byId[id]?.succeeded, id).toBe(true);
      expect(byId['process_vm_readv (parent)']!.detail).toBe('read the parent secret');
      expect(stolen).toBe('STOLEN-parent-socket'.length);
      expect(baitIntact).toBe(false);
    });

    it('E, hardened filter alone stops pidfd/ptrace/process_vm but not /proc/<ppid>/mem', async () => {
      const { byId, stolen, baitIntact } = await attack(
        minus(without.identity, without.capabilities, without.landlock),
      );
      for (const id of [
        'pidfd_getfd (parent socket)',
        'ptrace (parent)',
        'process_vm_readv (parent)',
      ])
        expect(byId[id]?.detail, id).toMatch(/EPERM/);
      expect(stolen).toBe(0);
      // seccomp cannot filter paths: this is why the uid drop and Landlock exist.
      expect(byId['/proc/<ppid>/mem write']!.succeeded).toBe(true);
      expect(baitIntact).toBe(false);
    });

    it('E, the uid drop alone stops all four', async () => {
      const { byId, stolen, baitIntact } = await attack(minus(without.hardening, without.landlock));
      for (const id of CROSS) expect(byId[id]?.succeeded, id).toBe(false);
      expect(stolen).toBe(0);
      expect(baitIntact).toBe(true);
    });

    it('E, Landlock alone (still root) stops all four and scopes signals', async () => {
      const { byId, stolen, baitIntact } = await attack(minus(without.hardening, without.identity));
      for (const id of [...CROSS, 'kill(parent, 0)']) expect(byId[id]?.succeeded, id).toBe(false);
      expect(stolen).toBe(0);
      expect(baitIntact).toBe(true);
    });

    it('E6: a sealed worker cannot reach a sibling worker of the same uid; without Landlock and seccomp hardening it can', async () => {
      const { nativeAttacks } = await sandboxBundle();
      const siblingAttack = (mutate?: Parameters<typeof minus>[0]) =>
        runSealed(`${SCRIPTS}/report.mjs`, ['{}'], {
          whileAlive: async (victim) => {
            const run = await runSealed(
              nativeAttacks,
              [JSON.stringify(lab.targets), 'sibling', String(victim)],
              {
                sandbox: { allowRead: koffiReadPaths() },
                ...(mutate ? { mutate } : {}),
              },
            );
            return Object.fromEntries(
              reportOf<{ results: AttemptResult[] }>(run).results.map((r) => [r.id, r.succeeded]),
            );
          },
        });
      const sealed = await siblingAttack();
      expect(sealed.inspected).toEqual({
        'ptrace (sibling)': false,
        '/proc/<sibling>/mem open': false,
        'kill(sibling, 0)': false,
      });
      const control = await siblingAttack(minus(without.hardening, without.landlock));
      expect(control.inspected).toEqual({
        'ptrace (sibling)': true,
        '/proc/<sibling>/mem open': true,
        'kill(sibling, 0)': true,
      });
    });

    it('F: the sandbox persists: no new namespaces, no host netns, an own filter cannot loosen it', async () => {
      const { byId } = await attack();
      expect(byId['unshare(user+net namespaces)']!.detail).toMatch(/EPERM/);
      expect(byId['setns(host netns)']!.succeeded).toBe(false);
      expect(byId['own allow-all filter, then socket()']).toMatchObject({ succeeded: false });
      expect(byId['own allow-all filter, then socket()']!.detail).toMatch(/EACCES/);
    });
  },
);

describe.runIf(process.platform === 'linux')('D: fds', () => {
  it('a leaked non-CLOEXEC socket of the parent does not reach the sealed process', async () => {
    const lab = await startLab();
    const leak = net.connect({ host: '127.0.0.1', port: lab.targets.tcp['net.connect']! });
    try {
      await new Promise((r) => leak.once('connect', r));
      const fd = (leak as unknown as { _handle: { fd: number } })._handle.fd;
      const libc = await loadLibc();
      expect(libc.fcntl(fd, 2 /* F_SETFD */, 'int', 0)).toBe(0); // now inherited by children
      const run = (mutate?: Parameters<typeof minus>[0]) =>
        runSealed(`${SCRIPTS}/report.mjs`, ['{}'], {
          ...(mutate ? { mutate } : {}),
          whileAlive: (pid, expect) => verifySealed(pid, expect),
        });
      const sealed = await run();
      const fds = reportOf<{ fds: Record<string, string> }>(sealed).fds;
      expect(fds[String(fd)]).toBeUndefined();
      const sockets = Object.entries(fds)
        .filter(([, t]) => t.startsWith('socket:'))
        .map(([n]) => n);
      expect(sockets.every((n) => ['0', '1', '2'].includes(n))).toBe(true);
      expect(sealed.inspected).toMatchObject({ kind: 'sealed' });
      // Control: keeping that fd across the execve shows the leak was really there, and the
      // outside check flags it.
      const leaky = await run((c) => ({ ...c, keepFds: [fd] }));
      expect(reportOf<{ fds: Record<string, string> }>(leaky).fds[String(fd)]).toMatch(/^socket:/);
      expect(leaky.inspected).toMatchObject({
        kind: 'unsealed',
        problems: [expect.stringContaining(`fd ${fd} is a socket`)],
      });
    } finally {
      leak.destroy();
      await lab.close();
    }
  });
});
