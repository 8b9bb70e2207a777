// Catalog H: terminal input injection (TIOCSTI, CVE-2017-5226) into a tty the sealed process
// holds, including the variant with high request bits that a 64-bit compare would miss
// (CVE-2019-10063). A real pseudo-terminal: what reaches its input queue is the evidence.
import { readSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibc } from '../../../native/linux/libc.js';
import type { AttemptResult } from '../../../native/self-test/protocol.js';
import { startLab, type Lab } from '../../../src/sandbox/self-test/lab.js';
import { koffiReadPaths } from '../../../src/sandbox/self-test/run.js';
import { sandboxBundle } from '../../support/sandbox-bundle.js';
import { minus, reportOf, runSealed, without } from '../../support/sealed.js';

const O_RDWR = 2;
const O_NOCTTY = 0o400;
const O_NONBLOCK = 0o4000;

/** Opens a pty pair; returns the slave fd (non-blocking) this process reads injected input on. */
async function openPty(): Promise<{ slave: number; close: () => void }> {
  const libc = await loadLibc();
  const lib = libc.koffi.load('libc.so.6');
  const posixOpenpt = lib.func('int posix_openpt(int flags)');
  const grantpt = lib.func('int grantpt(int fd)');
  const unlockpt = lib.func('int unlockpt(int fd)');
  const ptsname = lib.func('const char *ptsname(int fd)');
  const master = posixOpenpt(O_RDWR | O_NOCTTY) as number;
  if (master < 0 || grantpt(master) !== 0 || unlockpt(master) !== 0) throw new Error('no pty');
  const slave = libc.open(ptsname(master) as string, O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (slave < 0) throw new Error('cannot open the pty slave');
  return { slave, close: () => (libc.close(slave), libc.close(master)) };
}

/** Everything queued on the tty's input (canonical mode hands out one line per read). */
const pending = (fd: number): string => {
  const buf = Buffer.alloc(64);
  let text = '';
  for (;;) {
    try {
      const n = readSync(fd, buf);
      if (n === 0) return text;
      text += buf.subarray(0, n).toString();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return text;
      throw e;
    }
  }
};

describe.runIf(process.platform === 'linux' && process.getuid?.() === 0)(
  'H: terminal injection',
  () => {
    let lab: Lab;
    beforeAll(async () => {
      lab = await startLab();
    });
    afterAll(() => lab.close());

    const inject = async (mutate?: Parameters<typeof minus>[0]) => {
      const { nativeAttacks } = await sandboxBundle();
      const pty = await openPty();
      try {
        const run = await runSealed(nativeAttacks, [JSON.stringify(lab.targets), 'tiocsti', '3'], {
          sandbox: { allowRead: koffiReadPaths() },
          stdio: ['pipe', 'pipe', 'pipe', pty.slave],
          ...(mutate ? { mutate } : {}),
        });
        const results = reportOf<{ results: AttemptResult[] }>(run).results;
        return {
          results: Object.fromEntries(results.map((r) => [r.id, r])),
          queued: pending(pty.slave),
        };
      } finally {
        pty.close();
      }
    };

    it('sealed: both variants get EPERM from the filter and nothing reaches the tty', async () => {
      const { results, queued } = await inject();
      expect(results['TIOCSTI']).toMatchObject({
        succeeded: false,
        detail: 'ioctl: errno 1 EPERM',
      });
      expect(results['TIOCSTI | 1<<32']).toMatchObject({
        succeeded: false,
        detail: 'ioctl: errno 1 EPERM',
      });
      expect(queued).toBe('');
    });

    it('negative control: without the filter (root, no uid drop) both variants inject input', async () => {
      const { results, queued } = await inject(
        minus(without.seccomp, without.identity, without.capabilities, without.landlock),
      );
      expect(results['TIOCSTI']!.succeeded).toBe(true);
      expect(results['TIOCSTI | 1<<32']!.succeeded).toBe(true);
      expect(queued).toBe('a\nb\n');
    });
  },
);
