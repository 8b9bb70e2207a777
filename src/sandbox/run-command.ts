// `pvf sandbox run`: any command under exactly the layers a worker gets. The command's own
// files (binary, loader, libraries, a script's interpreter) are readable and executable;
// everything else on the filesystem only through allowRead.
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
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

/** The plan for running `command args...` sealed, stdio inherited, no other fds. */
export function planCommand(
  command: string,
  args: readonly string[],
  partial: Partial<SandboxOptions> = {},
): LaunchPlan {
  const path = resolveCommand(command);
  const isNode = realpathSync(path) === realpathSync(process.execPath);
  return planLaunch(
    {
      path,
      argv: [command, ...args],
      env: { PATH: process.env.PATH ?? DEFAULT_PATH, UV_USE_IO_URING: '0' },
      // Node needs OpenSSL's configuration to start at all.
      readPaths: isNode ? nodeRuntimeFiles() : [],
    },
    [],
    resolveSandboxOptions(partial),
  );
}
