// What the commands that run PVFs through the validation host share (validate, call, prepare,
// example): the flags that choose how workers are sealed and how many there are, one host for
// the command's lifetime with its errors mapped onto exit codes, and how an outcome is printed.
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { integerArg } from '../input.js';
import type { LOG_LEVEL_CHOICES } from '../options.js';
import {
  insecureNoSandboxOption,
  jsonOption,
  logFormatOption,
  logLevelOption,
  requireAllLayersOption,
  RUNTIME_LOG_LEVEL_CHOICES,
  runtimeLogLevelOption,
} from '../options.js';
import { printJson } from '../output.js';
import { HostOptionError, HostRequestError, UnknownCodeError } from '../../host/errors.js';
import type { HostOptions } from '../../host/options.js';
import { stderrLogger } from '../../host/stderr-logger.js';
import type { FailureOutcome } from '../../host/outcome.js';
import { ValidationHost } from '../../host/validation-host.js';
import { SandboxUnavailableError } from '../../sandbox/options.js';

export interface HostFlags {
  insecureNoSandbox?: boolean;
  requireAllLayers?: boolean;
  /** Only on commands registered with a `workers` default. */
  workers?: string;
  json?: boolean;
  logLevel?: (typeof LOG_LEVEL_CHOICES)[number];
  logFormat?: 'text' | 'json';
  runtimeLogLevel?: (typeof RUNTIME_LOG_LEVEL_CHOICES)[number];
}

/**
 * Adds `--json` and the sealing flags; with `defaults.workers`, also `--workers` (commands
 * without it run one worker: they make a single request).
 */
export function withHostFlags(cmd: Command, defaults: { workers?: number } = {}): Command {
  if (defaults.workers !== undefined)
    cmd.option('--workers <n>', 'worker processes', String(defaults.workers));
  return cmd
    .addOption(jsonOption())
    .addOption(requireAllLayersOption())
    .addOption(insecureNoSandboxOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addOption(runtimeLogLevelOption());
}

/** Maps the flags onto the host's own options type (the host validates them, once). */
export function hostOptions(f: HostFlags): Partial<HostOptions> {
  const runtime = f.runtimeLogLevel ?? 'off';
  return {
    workers: f.workers === undefined ? 1 : integerArg(f.workers, '--workers'),
    logger: stderrLogger({
      level: f.logLevel ?? 'warn',
      format: f.logFormat ?? 'text',
      runtimeLevel: runtime === 'off' ? 'silent' : runtime,
    }),
    // Only when asked: the PVF sees the filter (`ext_logging_max_level`), as on a node.
    ...(runtime === 'off'
      ? {}
      : {
          executorParams: {
            maxLogLevel: RUNTIME_LOG_LEVEL_CHOICES.indexOf(runtime) as 1 | 2 | 3 | 4 | 5,
          },
        }),
    sandbox: {
      insecureNoSandbox: f.insecureNoSandbox === true,
      requireAllLayers: f.requireAllLayers === true,
    },
  };
}

/** Starts a host, runs `fn`, always closes it; maps host errors onto CLI exit codes. */
export async function withHost<T>(
  f: HostFlags,
  fn: (host: ValidationHost) => Promise<T>,
): Promise<T> {
  const options = hostOptions(f);
  let host: ValidationHost;
  try {
    host = await ValidationHost.create(options);
  } catch (e) {
    if (e instanceof SandboxUnavailableError)
      throw new CliError(e.message, ExitCode.SandboxUnavailable);
    // Every option comes from a flag; sandbox options are checked as host options too.
    if (e instanceof HostOptionError) throw new CliError(e.message, ExitCode.Usage);
    throw new CliError(`cannot start workers: ${(e as Error).message}`, ExitCode.Inconclusive);
  }
  try {
    return await fn(host);
  } catch (e) {
    if (e instanceof HostRequestError || e instanceof UnknownCodeError)
      throw new CliError(e.message, ExitCode.BadInput);
    throw e;
  } finally {
    await host.close();
  }
}

/** Exit code of a failure outcome. */
export function exitFor(o: FailureOutcome): ExitCode {
  switch (o.kind) {
    case 'invalid':
      return ExitCode.Invalid;
    case 'preparation-error':
      // A non-deterministic preparation error (timed out, job died, runtime construction) says
      // nothing about the code: the reference turns it into Internal and abstains
      // (`From<PrepareError> for ValidationError`, polkadot/node/core/pvf/src/error.rs).
      return o.deterministic ? ExitCode.BadInput : ExitCode.Inconclusive;
    case 'possibly-invalid':
    case 'internal-error':
      return ExitCode.Inconclusive;
  }
}

/** The lines every failure outcome prints: kind and reason, message, time. */
export function failureLines(o: FailureOutcome): string[] {
  const reason = o.kind === 'internal-error' ? '' : `: ${o.reason}`;
  const trap = o.kind === 'invalid' && o.trap !== undefined ? ` (${o.trap})` : '';
  const lines = [`${o.kind}${reason}${trap}`];
  if (o.message) lines.push(`  message: ${o.message}`);
  if (o.kind === 'preparation-error') lines.push(`  deterministic: ${o.deterministic}`);
  const attempts = o.attempts > 1 ? ` (${o.attempts} attempts)` : '';
  lines.push(`  time: ${o.durationMs.toFixed(1)} ms${attempts}`);
  return lines;
}

const FAILURE_KINDS: ReadonlySet<string> = new Set<FailureOutcome['kind']>([
  'invalid',
  'possibly-invalid',
  'preparation-error',
  'internal-error',
]);

const isFailure = <S extends { kind: string }>(o: S | FailureOutcome): o is FailureOutcome =>
  FAILURE_KINDS.has(o.kind);

/**
 * Prints an outcome — the whole of it as JSON with `--json`, else `success(o)`'s lines or the
 * failure lines, on stdout — and returns the command's exit code (Ok on success).
 */
export function printOutcome<S extends { kind: string }>(
  out: S | FailureOutcome,
  json: boolean | undefined,
  success: (o: S) => string[],
): ExitCode {
  const failed = isFailure(out);
  if (json) printJson(out);
  else process.stdout.write((failed ? failureLines(out) : success(out)).join('\n') + '\n');
  return failed ? exitFor(out) : ExitCode.Ok;
}
