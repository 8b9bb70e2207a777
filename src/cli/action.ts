import type { Command } from 'commander';
import { CliError, ExitCode } from './exit-codes.js';
import { SandboxUnavailableError } from '../sandbox/options.js';

/**
 * Wraps a command's action: an error becomes exactly one line on stderr (see
 * {@link reportError}) and its exit code; a returned code becomes the exit status.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | void> | number | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      process.exitCode = reportError(err, verbose(args));
    }
  };
}

/**
 * Writes `err` as one line on stderr (`pvf: …`; the stack follows only when `verbose`) and
 * returns its exit code. Errors the commands did not classify are internal (Inconclusive).
 */
export function reportError(err: unknown, verbose: boolean): ExitCode {
  const e = err instanceof Error ? err : new Error(String(err));
  const [code, prefix] =
    err instanceof CliError
      ? [err.exitCode, '']
      : err instanceof SandboxUnavailableError
        ? [ExitCode.SandboxUnavailable, '']
        : [ExitCode.Inconclusive, 'internal error: '];
  process.stderr.write(`pvf: ${prefix}${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
  return code;
}

/** `--verbose`, from the Command commander passes as an action's last argument. */
function verbose(args: unknown[]): boolean {
  const cmd = args.at(-1) as Command | undefined;
  return typeof cmd?.optsWithGlobals === 'function' && cmd.optsWithGlobals().verbose === true;
}
