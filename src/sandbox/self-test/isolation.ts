// The self-test's isolation battery: a sealed attacker with native code looks for host
// processes (this process is the target), host IPC objects (a queue and a segment made here,
// open to every uid) and host files; judged by the attacker's report and by evidence outside:
// signals this process received, the queue's message count and the segment's attach count
// read here, and the outside checks of the PID, IPC and mount namespace layers.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IsolationTargets } from '../../../native/self-test/isolation-attacks.js';
import { createIpcBait } from '../../../native/self-test/ipc-bait.js';
import type { AttemptResult } from '../../../native/self-test/protocol.js';
import { checkOutside, SANDBOX_LAYERS } from '../layers.js';
import type { SandboxOptions } from '../options.js';
import { spawnSealed } from '../spawn.js';
import { runBattery } from './battery.js';
import type { SelfTestRow } from './run.js';

const EXPECTED: Record<string, string> = {
  'kill(1, 0)': 'pid 1 is the attacker itself',
  'list host processes (/proc)': 'none visible',
  // The filter refuses these first (EPERM); without it the namespaces answer.
  'prlimit64 probe (host pid)': 'EPERM (filter), else ESRCH',
  'kill(host pid, SIGUSR1)': 'ESRCH',
  'SysV msgsnd (host queue)': 'EPERM (filter), else EINVAL (not in its IPC namespace)',
  'SysV shmat (host segment)': 'EPERM (filter), else EINVAL (not in its IPC namespace)',
  'read a host file outside the rules': 'ENOENT (not in its root)',
};

const ISOLATION_LAYERS = SANDBOX_LAYERS.filter((l) =>
  ['PID namespace', 'IPC namespace', 'minimal root (mount namespace)'].includes(l.name),
);

/** Runs the isolation battery; one row per attempt and one for the outside checks. */
export async function isolationRows(
  script: string,
  options: SandboxOptions,
): Promise<SelfTestRow[]> {
  const ipc = await createIpcBait();
  const dir = mkdtempSync(join(tmpdir(), 'pvf-self-test-root-'));
  chmodSync(dir, 0o755);
  const outsideFile = join(dir, 'host-file.txt');
  writeFileSync(outsideFile, 'a host file', { mode: 0o644 });
  let signals = 0;
  const onSignal = () => signals++;
  process.on('SIGUSR1', onSignal);
  try {
    const targets: IsolationTargets = {
      victimPid: process.pid,
      msqid: ipc.msqid,
      shmid: ipc.shmid,
      outsideFile,
    };
    const child = spawnSealed({ script, args: [JSON.stringify(targets)], sandbox: options });
    const run = await runBattery(child, (pid) => ({
      attached: ipc.attached(),
      outside: checkOutside(pid, ISOLATION_LAYERS),
    }));
    await new Promise((r) => setTimeout(r, 100)); // a signal in flight has arrived by now
    const seen = run.inspected as
      { attached: number; outside: Map<string, readonly string[]> } | undefined;
    const results = (run.report as { results?: AttemptResult[] } | null)?.results ?? [];
    const evidence = (id: string): { text: string; clean: boolean } => {
      switch (id) {
        case 'kill(host pid, SIGUSR1)':
          return { text: `SIGUSR1 received here: ${signals}`, clean: signals === 0 };
        case 'SysV msgsnd (host queue)':
          return { text: `messages on the queue: ${ipc.messages()}`, clean: ipc.messages() === 0 };
        case 'SysV shmat (host segment)':
          return {
            text: `attaches while it ran: ${seen?.attached ?? '?'}`,
            clean: seen?.attached === 0,
          };
        default:
          return { text: 'attacker report', clean: true };
      }
    };
    const rows: SelfTestRow[] = results.map((r) => {
      const e = evidence(r.id);
      return {
        level: 'native',
        attempt: r.id,
        expected: EXPECTED[r.id] ?? 'denied',
        actual: r.succeeded ? `GOT THROUGH: ${r.detail}` : r.detail,
        evidence: e.text,
        blocked: !r.succeeded && e.clean,
      };
    });
    const problems = seen ? [...seen.outside.values()].flat() : null;
    rows.push({
      level: 'seal',
      attempt: 'isolation battery: checked from outside',
      expected: 'own PID, IPC and mount namespaces, pid 1, the minimal root',
      actual: problems === null ? 'did not start' : problems.join('; ') || 'isolated',
      evidence: '/proc/<pid>/ns/*, NSpid, mountinfo',
      blocked: problems !== null && problems.length === 0 && results.length > 0,
    });
    return rows;
  } finally {
    process.off('SIGUSR1', onSignal);
    ipc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
