// What `pvf validate | call | prepare` share: the flags that choose how workers are sealed,
// reading bytes from a file or 0x-hex, and one host for the command's lifetime.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { HostOptionError, HostRequestError, UnknownCodeError } from '../../host/errors.js';
import type { HostOptions } from '../../host/options.js';
import type { FailureOutcome } from '../../host/outcome.js';
import { ValidationHost } from '../../host/validation-host.js';
import { SandboxOptionsError, SandboxUnavailableError } from '../../sandbox/options.js';

export interface HostFlags {
  insecureNoSandbox?: boolean;
  requireAllLayers?: boolean;
  json?: boolean;
}

/** Adds the sealing flags and `--json`. */
export function withHostFlags(cmd: Command): Command {
  return cmd
    .option('--json', 'print the outcome as JSON')
    .option('--require-all-layers', 'refuse to run unless every sandbox layer is available')
    .option(
      '--insecure-no-sandbox',
      'run even where the seccomp network filter is unavailable (UNSAFE, logged loudly)',
    );
}

/** Maps the flags onto the host's own options type (no second validator). */
export function hostOptions(f: HostFlags): Partial<HostOptions> {
  return {
    workers: 1,
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
  let host: ValidationHost;
  try {
    host = await ValidationHost.create(hostOptions(f));
  } catch (e) {
    if (e instanceof SandboxUnavailableError)
      throw new CliError(e.message, ExitCode.SandboxUnavailable);
    if (e instanceof HostOptionError || e instanceof SandboxOptionsError)
      throw new CliError(e.message, ExitCode.Usage);
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

/** Bytes from `0x…` hex or from a file path. */
export function bytesArg(value: string, what: string): Uint8Array {
  if (value.startsWith('0x')) {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(value))
      throw new CliError(`${what}: malformed hex`, ExitCode.BadInput);
    return new Uint8Array(Buffer.from(value.slice(2), 'hex'));
  }
  try {
    return new Uint8Array(readFileSync(value));
  } catch (e) {
    throw new CliError(
      `${what}: cannot read ${value}: ${(e as NodeJS.ErrnoException).code ?? e}`,
      ExitCode.BadInput,
    );
  }
}

export const hex = (b: Uint8Array): string =>
  '0x' + Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** Exit code for a failure outcome (kind other than the command's success kind). */
export function exitFor(kind: string): ExitCode {
  switch (kind) {
    case 'invalid':
      return ExitCode.Invalid;
    case 'preparation-error':
      return ExitCode.BadInput;
    default:
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

/** JSON with byte arrays as 0x-hex. */
export function toJson(o: unknown): string {
  return JSON.stringify(o, (_k, v) => (v instanceof Uint8Array ? hex(v) : v), 2);
}
