/**
 * Exit codes of the `pvf` CLI, documented in the README. One table, used by every command.
 */
export const ExitCode = {
  /** The command did what it was asked; for `validate`, the candidate is valid. */
  Ok: 0,
  /**
   * `validate`/`call`: the candidate is invalid (a definite verdict). `sandbox self-test`: an
   * attempt was not blocked. `example`: an outcome differed from the expected one.
   */
  Invalid: 1,
  /** Wrong flags or arguments (commander's own exit code for usage errors). */
  Usage: 2,
  /**
   * The input could not be used: a missing, unreadable, empty or oversized file, malformed hex
   * or blob, or code that deterministically fails preparation (`preparation-error`).
   */
  BadInput: 3,
  /**
   * No definite verdict: `possibly-invalid` (ambiguous worker death), `internal-error`, a
   * non-deterministic `preparation-error`, workers that could not start, or an unexpected error.
   */
  Inconclusive: 4,
  /** The sandbox cannot seal workers here and the user did not opt out. */
  SandboxUnavailable: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
