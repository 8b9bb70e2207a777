// `pvf sandbox run` protects what it inherits: stdio that is a socket other than a connected
// AF_UNIX stream is refused (a sealed program could send through it without any socket() of
// its own), and the user's terminal cannot be changed (mutating tty ioctls are denied by the
// filter). Each with a negative control that shows the attack works without the protection.
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeLaunchConfig,
  encodeLaunchConfig,
  type LaunchConfig,
} from '../../../native/launch-config.js';
import { loadLibc } from '../../../native/linux/libc.js';
import {
  checkInheritedStdio,
  planCommand,
  unsafeStdioReason,
} from '../../../src/sandbox/run-command.js';
import type { LaunchPlan } from '../../../src/sandbox/launch-plan.js';
import { startPlan, type SealedStdio } from '../../../src/sandbox/spawn.js';
import { attackLib } from '../../support/attack-lib.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import { without } from '../../support/sealed.js';

const linux = process.platform === 'linux';
const root = linux && process.getuid?.() === 0;

const edited = (plan: LaunchPlan, edit: (c: LaunchConfig) => LaunchConfig): LaunchPlan => ({
  ...plan,
  args: [...plan.args.slice(0, -1), encodeLaunchConfig(edit(decodeLaunchConfig(plan.args.at(-1))))],
});

const run = (plan: LaunchPlan, stdio: readonly SealedStdio[]) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = startPlan(plan, stdio);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });

const fdOf = (s: dgram.Socket): number => (s as unknown as { _handle: { fd: number } })._handle.fd;

describe.runIf(linux)('sandbox run: inherited stdio sockets', () => {
  it('classifies stdio: UDP and listening unix sockets are refused; a connected unix stream passes', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const dir = mkdtempSync(join(tmpdir(), 'pvf-stdio-'));
    const server = net.createServer((c) => c.on('error', () => {}));
    await new Promise<void>((r) => server.listen(join(dir, 's'), r));
    const client = net.connect(join(dir, 's'));
    await new Promise<void>((r) => client.once('connect', () => r()));
    const fd = (h: unknown) => (h as { _handle: { fd: number } })._handle.fd;
    try {
      expect(unsafeStdioReason(fd(udp))).toMatch(/not AF_UNIX/);
      expect(() => checkInheritedStdio([fd(udp)])).toThrow(/refused.*redirect it/s);
      expect(unsafeStdioReason(fd(server))).toMatch(/unconnected AF_UNIX stream/);
      expect(unsafeStdioReason(fd(client))).toBeNull();
      expect(unsafeStdioReason(0x7fff)).toBeNull(); // closed: nothing is inherited
    } finally {
      client.destroy();
      server.close();
      udp.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.runIf(root)(
    'negative control: a sealed program sends through an inherited UDP socket; the refusal is what stops it',
    async () => {
      const lib = attackLib();
      if ('missing' in lib) return console.warn(`skipped: ${lib.missing}`);
      const { launcher } = await sandboxBundle();
      const listener = dgram.createSocket('udp4');
      let received = '';
      listener.on('message', (m) => (received += m.toString()));
      await new Promise<void>((r) => listener.bind(0, '127.0.0.1', r));
      const leaky = dgram.createSocket('udp4');
      await new Promise<void>((r) => leaky.bind(0, '127.0.0.1', r));
      try {
        // planCommand checks this process's own stdio (not a socket here), so the plan is made;
        // the UDP socket is then handed over as the program's stdin, as a shell would.
        const plan = planCommand(lib.stdinSendto, [String(listener.address().port)], { launcher });
        const r = await run(plan, [fdOf(leaky), 'pipe', 'pipe']);
        await new Promise((res) => setTimeout(res, 200));
        expect(r.code).toBe(0);
        expect(received).toBe('leak');
        // Which is why `sandbox run` refuses such stdio before planning anything.
        expect(() => checkInheritedStdio([fdOf(leaky)])).toThrow(/socket that is not AF_UNIX/);
      } finally {
        listener.close();
        leaky.close();
      }
    },
  );
});

const CLI = join(import.meta.dirname, '../../../dist/cli.js');

describe.runIf(linux && existsSync(CLI))(
  'pvf sandbox run (dist/cli.js): the refusal as a user meets it',
  () => {
    const pvfRun = (stdin: number | 'pipe') =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'sandbox', 'run', '--', '/bin/true'], {
          stdio: [stdin, 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
        if (stdin === 'pipe') child.stdin?.end();
      });

    it('a UDP socket as stdin: exit 3 and one line saying why; a pipe (socketpair): runs', async () => {
      const udp = dgram.createSocket('udp4');
      await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
      try {
        const refused = await pvfRun(fdOf(udp));
        expect(refused.code).toBe(3);
        expect(refused.stderr).toMatch(/^pvf: stdin is a socket that is not AF_UNIX .*redirect it/);
        const fine = await pvfRun('pipe');
        expect(fine).toEqual({ code: 0, stderr: '' });
      } finally {
        udp.close();
      }
    });
  },
);

describe.runIf(root)('sandbox run: the user terminal', () => {
  async function openPty() {
    const libc = await loadLibc();
    const lib = libc.koffi.load('libc.so.6');
    const posixOpenpt = lib.func('int posix_openpt(int flags)');
    const grantpt = lib.func('int grantpt(int fd)');
    const unlockpt = lib.func('int unlockpt(int fd)');
    const ptsname = lib.func('const char *ptsname(int fd)');
    const master = posixOpenpt(2 | 0o400) as number;
    if (master < 0 || grantpt(master) !== 0 || unlockpt(master) !== 0) throw new Error('no pty');
    const path = ptsname(master) as string;
    const slave = libc.open(path, 2 | 0o400);
    return { path, slave, close: () => (libc.close(slave), libc.close(master)) };
  }
  const ttyState = (path: string) => execFileSync('stty', ['-F', path, '-a'], { encoding: 'utf8' });

  const attempt = async (edit?: (c: LaunchConfig) => LaunchConfig) => {
    const { launcher } = await sandboxBundle();
    const pty = await openPty();
    try {
      execFileSync('stty', ['-F', pty.path, 'cols', '80', 'rows', '24', 'echo']);
      const plan = planCommand('stty', ['cols', '33', '-echo'], { launcher });
      const r = await run(edit ? edited(plan, edit) : plan, [pty.slave, 'pipe', 'pipe']);
      return { ...r, after: ttyState(pty.path) };
    } finally {
      pty.close();
    }
  };

  it('TIOCSWINSZ and TCSETS on the inherited tty fail; the terminal is unchanged', async () => {
    const r = await attempt();
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Operation not permitted/);
    expect(r.after).toMatch(/columns 80/);
    expect(r.after).toMatch(/(^|\s)echo(\s|$)/m);
  });

  it('negative control: without the filter the sealed program resizes and reconfigures the terminal', async () => {
    const r = await attempt(without.seccomp);
    expect(r.code).toBe(0);
    expect(r.after).toMatch(/columns 33/);
    expect(r.after).toMatch(/-echo/);
  });
});
