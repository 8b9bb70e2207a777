import { CliError, ExitCode } from './exit-codes.js';

/** Global flags every command understands. */
export interface GlobalFlags {
  verbose?: boolean;
}

/**
 * Wraps a command's action: an error becomes one clear line on stderr (the stack only with
 * `--verbose`) and an exit code from {@link ExitCode}; a returned code becomes the exit status.
 */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<number | void> | number | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const verbose = process.argv.includes('--verbose');
    try {
      const code = await fn(...args);
      if (typeof code === 'number') process.exitCode = code;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      process.stderr.write(`pvf: ${e.message}\n`);
      if (verbose && e.stack) process.stderr.write(`${e.stack}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : ExitCode.BadInput;
    }
  };
}
