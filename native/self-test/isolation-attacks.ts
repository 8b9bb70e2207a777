// Self-test battery for the isolation layers (PID, IPC and mount namespaces, the minimal
// root): koffi stands in for an attacker with native code, as in native-attacks.ts. Runs
// sealed with koffi's folder readable:
//   node isolation-attacks.js '<IsolationTargets JSON>'
// Each attempt reports whether it got what it wanted; the host gathers its own evidence (the
// victim's signal log, the queue's message count, the segment's attach count).
import { readdirSync, readFileSync } from 'node:fs';
import { loadLibc } from '../linux/libc.js';
import { SYS } from '../linux/syscalls.js';
import { reportAndWait, type AttemptResult } from './protocol.js';

/** What the host prepared outside the sandbox. */
export interface IsolationTargets {
  /** A host process (another uid-65534 process, or the host) to find and signal. */
  readonly victimPid?: number;
  /** SysV message queue and shared memory ids in the host's IPC namespace (mode 0666). */
  readonly msqid?: number;
  readonly shmid?: number;
  /** A world-readable host file outside every read rule. */
  readonly outsideFile?: string;
}

const SIGUSR1 = 10;
const RLIMIT_CPU = 0;
const IPC_NOWAIT = 0o4000;
const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  13: 'EACCES',
  22: 'EINVAL',
  43: 'EIDRM',
};

const targets = JSON.parse(process.argv[2] ?? '{}') as IsolationTargets;
const libc = await loadLibc();
const lib = libc.koffi.load('libc.so.6');
const msgsnd = lib.func('int msgsnd(int id, const void *msg, size_t size, int flags)');
const shmat = lib.func('intptr_t shmat(int id, const void *addr, int flags)');
const getpid = lib.func('int getpid(void)');

type Attempt = Omit<AttemptResult, 'id'>;
const failed = (step: string): Attempt => {
  const e = libc.errno();
  return {
    succeeded: false,
    detail: `${step}: errno ${e}${ERRNO_NAMES[e] ? ` ${ERRNO_NAMES[e]}` : ''}`,
  };
};

/** kill(victim, SIGUSR1): the victim logs it if it arrives. */
function signalVictim(pid: number): Attempt {
  const rc = libc.syscall(SYS.kill, 'int', pid, 'int', SIGUSR1);
  return rc === 0 ? { succeeded: true, detail: `signalled ${pid}` } : failed(`kill(${pid})`);
}

/** Above any pid_max (2^22), so the kernel can only answer ESRCH for it. */
const NO_SUCH_PID = 0x7fff_fff0;

/** A read-only prlimit64: EPERM still tells that the pid exists (how siblings are found
 *  without /proc); only ESRCH reveals nothing. EPERM for a pid that cannot exist too is the
 *  filter's answer (no prlimit64 on other pids), which tells nothing either. */
function probePid(pid: number): Attempt {
  const rc = readLimit(pid);
  if (rc === 0) return { succeeded: true, detail: `pid ${pid} exists, limits read` };
  const e = libc.errno();
  if (e !== 1) return failed(`prlimit64(${pid})`);
  if (readLimit(NO_SUCH_PID) !== 0 && libc.errno() === 1)
    return { succeeded: false, detail: 'EPERM for every other pid, even one that cannot exist' };
  return { succeeded: true, detail: `pid ${pid} exists (EPERM)` };
}

function readLimit(pid: number): number {
  const old = Buffer.alloc(16);
  return libc.syscall(
    SYS.prlimit64,
    'int',
    pid,
    'int',
    RLIMIT_CPU,
    'void *',
    null,
    'void *',
    old,
  ) as number;
}

/** kill(1, 0): whom does pid 1 name? Only the attacker itself is harmless. */
function signalInit(): Attempt {
  const self = getpid() as number;
  const rc = libc.syscall(SYS.kill, 'int', 1, 'int', 0);
  if (self === 1) return { succeeded: false, detail: 'pid 1 is this process itself' };
  return rc === 0 ? { succeeded: true, detail: 'may signal the host init' } : failed('kill(1, 0)');
}

/** Numeric entries of /proc other than this process: host processes seen. */
function listProcesses(): Attempt {
  try {
    const self = String(getpid());
    const others = readdirSync('/proc').filter((n) => /^\d+$/.test(n) && n !== self);
    return others.length > 0
      ? { succeeded: true, detail: `${others.length} other processes in /proc` }
      : { succeeded: false, detail: 'no other process in /proc' };
  } catch (err) {
    return { succeeded: false, detail: `/proc: ${(err as NodeJS.ErrnoException).code}` };
  }
}

function sendMessage(msqid: number): Attempt {
  const msg = Buffer.alloc(8 + 16);
  msg.writeBigInt64LE(1n, 0); // mtype
  msg.write('PWNED-via-msgq', 8);
  return msgsnd(msqid, msg, 16, IPC_NOWAIT) === 0
    ? { succeeded: true, detail: `message queued on ${msqid}` }
    : failed(`msgsnd(${msqid})`);
}

function attachSegment(shmid: number): Attempt {
  const addr = shmat(shmid, null, 0) as number | bigint;
  return Number(addr) !== -1
    ? { succeeded: true, detail: `attached segment ${shmid}` }
    : failed(`shmat(${shmid})`);
}

function readOutside(path: string): Attempt {
  try {
    readFileSync(path);
    return { succeeded: true, detail: `read ${path}` };
  } catch (err) {
    return { succeeded: false, detail: `${path}: ${(err as NodeJS.ErrnoException).code}` };
  }
}

const attempts: AttemptResult[] = [
  { id: 'kill(1, 0)', ...signalInit() },
  { id: 'list host processes (/proc)', ...listProcesses() },
];
if (targets.victimPid !== undefined)
  attempts.push(
    { id: 'prlimit64 probe (host pid)', ...probePid(targets.victimPid) },
    { id: 'kill(host pid, SIGUSR1)', ...signalVictim(targets.victimPid) },
  );
if (targets.msqid !== undefined)
  attempts.push({ id: 'SysV msgsnd (host queue)', ...sendMessage(targets.msqid) });
if (targets.shmid !== undefined)
  attempts.push({ id: 'SysV shmat (host segment)', ...attachSegment(targets.shmid) });
if (targets.outsideFile !== undefined)
  attempts.push({ id: 'read a host file outside the rules', ...readOutside(targets.outsideFile) });
reportAndWait(attempts);
