// Verify, don't trust: checks a running process from outside, through /proc, for the marks a
// sealed process must carry. A process that fails is to be killed and never given work.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cgroupProblems } from './cgroup-plan.js';

export interface SealExpectations {
  /** fds that may be sockets. Pipes made by child_process ('pipe') are unix socketpairs in
   *  libuv, so the channel fds are sockets; every other socket is a leak. */
  readonly allowedSocketFds: readonly number[];
  /** Real, effective, saved and filesystem uid/gid, when identities are dropped. */
  readonly uid?: number;
  readonly gid?: number;
  /** The process must be in a network namespace other than this process's. */
  readonly newNetworkNamespace?: boolean;
  /** argv[1 + nodeFlags.length] must be this path: proves the launcher already exec'd the
   *  worker. */
  readonly script?: string;
  /** The node flags expected before the script (argv[1..]). */
  readonly nodeFlags?: readonly string[];
}

export type SealReport =
  | { readonly kind: 'sealed'; readonly threads: number }
  | { readonly kind: 'unsealed'; readonly problems: readonly string[] }
  | { readonly kind: 'gone' };

const statusField = (status: string, field: string): string | undefined =>
  new RegExp(`^${field}:\\s*(.*)$`, 'm').exec(status)?.[1]?.trim();

const isGone = (err: unknown): boolean =>
  (err as NodeJS.ErrnoException).code === 'ENOENT' ||
  (err as NodeJS.ErrnoException).code === 'ESRCH';

/**
 * Checks `/proc/<pid>`: every thread has `Seccomp: 2` (filter mode) and `NoNewPrivs: 1`, and
 * the expected ids; no fd is an io_uring ring; no fd is a socket except the allowed ones; the
 * network namespace differs from ours if asked. Threads that exit during the scan are skipped.
 */
export function verifySealed(pid: number, expect: SealExpectations): SealReport {
  const problems: string[] = [];
  const base = `/proc/${pid}`;
  let tids: string[];
  try {
    tids = readdirSync(`${base}/task`);
    if (expect.script !== undefined) {
      const argv = readFileSync(`${base}/cmdline`, 'utf8').split('\0');
      const flags = expect.nodeFlags ?? [];
      const head = argv.slice(1, 2 + flags.length);
      if (head.join('\0') !== [...flags, expect.script].join('\0'))
        problems.push(`argv is ${JSON.stringify(head)}, not the worker's flags and script`);
    }
  } catch (err) {
    if (isGone(err)) return { kind: 'gone' };
    throw err;
  }
  let threads = 0;
  for (const tid of tids) {
    let status: string;
    try {
      status = readFileSync(`${base}/task/${tid}/status`, 'utf8');
    } catch (err) {
      if (isGone(err)) continue;
      throw err;
    }
    threads++;
    const name = statusField(status, 'Name') ?? '?';
    if (statusField(status, 'Seccomp') !== '2')
      problems.push(`thread ${tid} (${name}): Seccomp ${statusField(status, 'Seccomp')}, not 2`);
    if (statusField(status, 'NoNewPrivs') !== '1')
      problems.push(
        `thread ${tid} (${name}): NoNewPrivs ${statusField(status, 'NoNewPrivs')}, not 1`,
      );
    for (const [field, want] of [
      ['Uid', expect.uid],
      ['Gid', expect.gid],
    ] as const) {
      if (want === undefined) continue;
      const ids = (statusField(status, field) ?? '').split(/\s+/).map(Number);
      if (ids.length !== 4 || ids.some((id) => id !== want))
        problems.push(`thread ${tid} (${name}): ${field} ${ids.join(' ')}, not ${want}`);
    }
  }
  if (threads === 0) return { kind: 'gone' };
  let fds: string[];
  try {
    fds = readdirSync(`${base}/fd`);
  } catch (err) {
    if (isGone(err)) return { kind: 'gone' };
    throw err;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`${base}/fd/${fd}`);
    } catch {
      continue; // closed during the scan
    }
    if (target === 'anon_inode:[io_uring]') problems.push(`fd ${fd} is an io_uring ring`);
    if (target.startsWith('socket:') && !expect.allowedSocketFds.includes(Number(fd)))
      problems.push(`fd ${fd} is a socket (${target}) outside the channel`);
  }
  if (expect.newNetworkNamespace) {
    try {
      if (readlinkSync(`${base}/ns/net`) === readlinkSync('/proc/self/ns/net'))
        problems.push('network namespace is the host one');
    } catch (err) {
      if (isGone(err)) return { kind: 'gone' };
      throw err;
    }
  }
  problems.push(...cgroupProblems(pid));
  return problems.length ? { kind: 'unsealed', problems } : { kind: 'sealed', threads };
}
