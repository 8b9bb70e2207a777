// Installs a seccomp-BPF filter on the calling process.
//
// no_new_privs first: required for an unprivileged caller, and it also makes setuid/setcap
// binaries powerless in the sandbox. TSYNC applies the filter to every thread of the process
// at once; Node already runs 7 to 11 threads at startup and a thread left out is unfiltered
// (demonstrated in sandbox.md §2: a worker_thread created before a non-TSYNC filter connected).
import type { BpfInstruction } from './bpf.js';
import { SyscallError } from './errors.js';
import type { Libc } from './libc.js';
import { SYS } from './syscalls.js';

const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;

/** Sets no_new_privs on the calling thread (TSYNC later copies it to the others). */
export function setNoNewPrivs(libc: Libc): void {
  if (libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0)
    throw new SyscallError('prctl(PR_SET_NO_NEW_PRIVS)', libc.errno());
}

/**
 * Installs `program`. With `tsync` (the only production mode) the kernel returns 0 only if
 * every thread now runs the filter; a positive return is the id of a thread it could not
 * synchronise, which we treat as failure like any other non-zero value.
 */
export function installSeccompFilter(
  libc: Libc,
  program: readonly BpfInstruction[],
  opts: { tsync: boolean } = { tsync: true },
): void {
  setNoNewPrivs(libc);
  const { koffi } = libc;
  const sockFilter = koffi.struct({
    code: 'uint16_t',
    jt: 'uint8_t',
    jf: 'uint8_t',
    k: 'uint32_t',
  });
  const sockFprog = koffi.struct({ len: 'uint16_t', filter: koffi.pointer(sockFilter) });
  const rc = libc.syscall(
    SYS.seccomp,
    'unsigned int',
    SECCOMP_SET_MODE_FILTER,
    'unsigned int',
    opts.tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0,
    koffi.pointer(sockFprog),
    { len: program.length, filter: [...program] },
  );
  if (rc > 0) throw new SyscallError(`seccomp(TSYNC): thread ${rc} could not be synchronised`, 0);
  if (rc !== 0) throw new SyscallError('seccomp(SECCOMP_SET_MODE_FILTER)', libc.errno());
}
