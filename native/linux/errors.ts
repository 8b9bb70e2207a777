// Errors of the OS layer. The launcher tells them apart: a layer the machine does not offer
// may be skipped when optional; any other failure aborts the launch.

/** A system call failed; names the step and errno. */
export class SyscallError extends Error {
  override name = 'SyscallError';
  constructor(
    readonly step: string,
    readonly errno: number,
  ) {
    super(`${step} failed${errno ? ` (errno ${errno}${errnoName(errno)})` : ''}`);
  }
}

/** The kernel or the machine does not offer this layer at all. */
export class LayerUnavailableError extends Error {
  override name = 'LayerUnavailableError';
}

const NAMES: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  9: 'EBADF',
  13: 'EACCES',
  14: 'EFAULT',
  22: 'EINVAL',
  28: 'ENOSPC',
  38: 'ENOSYS',
  87: 'EUSERS',
  95: 'EOPNOTSUPP',
};
const errnoName = (e: number): string => (NAMES[e] ? ` ${NAMES[e]}` : '');
