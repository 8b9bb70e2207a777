// `pvf sandbox run`: any command under the layers a worker gets (except that it may start
// processes). The command's own files (binary, loader, libraries, a script's interpreter) are
// readable and executable; everything else on the filesystem only through allowRead. The
// user's terminal is protected by the filter (mutating tty ioctls denied), and inherited
// stdio that is a socket other than a connected AF_UNIX stream is refused.
import {
  accessSync,
  constants,
  existsSync,
  fstatSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { nodeRuntimeFiles, planLaunch, type LaunchPlan } from './launch-plan.js';
import { resolveSandboxOptions, SandboxOptionsError, type SandboxOptions } from './options.js';

const DEFAULT_PATH = '/usr/local/bin:/usr/bin:/bin';

/**
 * The command cannot be run: `status` is what a POSIX shell exits with for it, 127 when it
 * does not exist, 126 when it exists but is not an executable file.
 */
export class CommandNotRunnableError extends SandboxOptionsError {
  override name = 'CommandNotRunnableError';
  constructor(
    message: string,
    readonly status: 126 | 127,
  ) {
    super(message);
  }
}

/** Finds `command` like a shell does (a name with a slash is a path). */
export function resolveCommand(
  command: string,
  searchPath = process.env.PATH ?? DEFAULT_PATH,
): string {
  const executable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const p = resolve(command);
    if (!existsSync(p)) throw new CommandNotRunnableError(`${command}: no such file`, 127);
    if (!executable(p))
      throw new CommandNotRunnableError(`${command}: not an executable file`, 126);
    return p;
  }
  for (const dir of searchPath.split(delimiter).filter(Boolean)) {
    const p = join(dir, command);
    if (executable(p)) return p;
  }
  throw new CommandNotRunnableError(`${command}: command not found`, 127);
}

const STDIO_NAMES = ['stdin', 'stdout', 'stderr'];

/** `/proc/net/unix` row of a socket inode: type (1 stream, 2 datagram, 5 seqpacket) and
 *  state (3 connected), or null when it is not an AF_UNIX socket of this network namespace. */
function unixSocket(inode: string, table: string): { type: number; state: number } | null {
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[6] === inode) return { type: parseInt(f[4]!, 16), state: parseInt(f[5]!, 16) };
  }
  return null;
}

/**
 * Why an inherited stdio fd must not go into the sandbox, or null. A socket is a way out
 * that the seccomp filter cannot close (sendto/sendmsg on an existing socket cannot be told
 * from the channel's own writes): only a connected AF_UNIX stream is accepted, which can only
 * talk to the process at its other end (a pipe from a shell, or a socketpair as Node makes).
 */
export function unsafeStdioReason(fd: number, unixTable?: string): string | null {
  let isSocket: boolean;
  try {
    isSocket = fstatSync(fd).isSocket();
  } catch {
    return null; // closed: nothing to inherit
  }
  if (!isSocket) return null;
  const name = STDIO_NAMES[fd] ?? `fd ${fd}`;
  const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
  const row = inode ? unixSocket(inode, unixTable ?? readFileSync('/proc/net/unix', 'utf8')) : null;
  if (!row) return `${name} is a socket that is not AF_UNIX (e.g. UDP or TCP)`;
  if (row.type !== 1)
    return `${name} is an AF_UNIX ${row.type === 2 ? 'datagram' : 'non-stream'} socket`;
  if (row.state !== 3) return `${name} is an unconnected AF_UNIX stream socket`;
  return null;
}

/** @throws SandboxOptionsError when inherited stdio could carry the sealed program's data
 *  past the network filter. */
export function checkInheritedStdio(fds: readonly number[] = [0, 1, 2]): void {
  for (const fd of fds) {
    const why = unsafeStdioReason(fd);
    if (why)
      throw new SandboxOptionsError(
        `${why}: a sealed program could send through it, so it is refused. Only pipes, files, ` +
          'terminals and connected AF_UNIX stream sockets are inherited; redirect it (e.g. </dev/null)',
      );
  }
}

/** The plan for running `command args...` sealed, stdio inherited, no other fds.
 *  @throws SandboxOptionsError for an unknown command or unsafe inherited stdio. */
export function planCommand(
  command: string,
  args: readonly string[],
  partial: Partial<SandboxOptions> = {},
): LaunchPlan {
  const path = resolveCommand(command);
  if (process.platform === 'linux') checkInheritedStdio();
  const isNode = realpathSync(path) === realpathSync(process.execPath);
  return planLaunch(
    {
      path,
      argv: [command, ...args],
      env: { PATH: process.env.PATH ?? DEFAULT_PATH, UV_USE_IO_URING: '0' },
      // Node needs OpenSSL's configuration to start at all.
      readPaths: isNode ? nodeRuntimeFiles() : [],
      // Any command: a shell or a build tool forks. Workers may not (native/linux/policy.ts).
      newProcesses: true,
    },
    [],
    resolveSandboxOptions(partial),
  );
}
