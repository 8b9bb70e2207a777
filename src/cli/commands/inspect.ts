// `pvf inspect <file> [--json]`: what a PVF blob is, without running it — blob type and sizes,
// code hash, ABI, imports (served, stubbed, denied with the reason), memory, heap globals,
// tables, embedded runtime version and post-MVP features. The bytes are decompressed and
// parsed in a sealed process (inspect-sealed.ts), like every other command's untrusted input.
import type { Command } from 'commander';
import {
  type BlobResult,
  type BlobType,
  VALIDATION_CODE_BOMB_LIMIT,
} from '../../../runtime/blob/code-blob.js';
import { codeHashHex } from '../../../runtime/blob/code-hash.js';
import type { InspectReport } from '../../../runtime/wasm/inspect.js';
import { SandboxUnavailableError, type SandboxOptions } from '../../sandbox/index.js';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { bytesArg, integerArg } from '../input.js';
import { insecureNoSandboxOption, jsonOption, requireAllLayersOption } from '../options.js';
import { printJson } from '../output.js';
import { inspectSealed, type SealedInspection } from './inspect-sealed.js';
import { renderInspect } from './inspect-text.js';

interface InspectFlags {
  json?: boolean;
  limit: string;
  insecureNoSandbox?: boolean;
  requireAllLayers?: boolean;
}

/** Everything `pvf inspect` reports: the blob, then the module report. */
export type BlobInspection = {
  file: string;
  blob: { type: BlobType; compressed: boolean; size: number; codeSize: number; codeHash: string };
} & InspectReport;

export function registerInspectCommand(program: Command): void {
  program
    .command('inspect')
    .description('describe a PVF blob (plain or zstd-compressed wasm, or a component)')
    .argument('<file>', 'the validation code, as submitted on chain or as plain wasm')
    .addOption(jsonOption())
    .addOption(requireAllLayersOption())
    .addOption(insecureNoSandboxOption())
    .option(
      '--limit <bytes>',
      'largest accepted decompressed size in bytes (max code size 3 MiB × 10)',
      String(VALIDATION_CODE_BOMB_LIMIT),
    )
    .action(
      action(async (file: string, flags: InspectFlags) => {
        const result = await inspectFile(file, integerArg(flags.limit, '--limit', { min: 1 }), {
          insecureNoSandbox: flags.insecureNoSandbox === true,
          requireAllLayers: flags.requireAllLayers === true,
        });
        if (flags.json) printJson(result);
        else process.stdout.write(renderInspect(result));
      }),
    );
}

/**
 * Reads and hashes `file`, and has it decompressed and inspected in a sealed process.
 * @throws {CliError} BadInput with one line saying what is wrong with the input;
 *   SandboxUnavailable when it cannot be sealed; Inconclusive when the sealed process fails.
 */
export async function inspectFile(
  file: string,
  limit: number,
  sandbox: Partial<SandboxOptions> = {},
): Promise<BlobInspection> {
  // On-chain code is at most `max_code_size` (3 MiB) as submitted, so a file over the
  // decompression limit cannot be a PVF: it is refused from its size, before reading.
  const blob = bytesArg(file, undefined, limit);
  let found: SealedInspection;
  try {
    found = await inspectSealed(blob, limit, sandbox);
  } catch (e) {
    if (e instanceof SandboxUnavailableError)
      throw new CliError(e.message, ExitCode.SandboxUnavailable);
    throw new CliError(
      `${file}: inspection failed: ${(e as Error).message}`,
      ExitCode.Inconclusive,
    );
  }
  if (found.kind === 'refused')
    throw new CliError(`${file}: ${refusal(found.refusal)}`, ExitCode.BadInput);
  if (found.kind === 'malformed')
    throw new CliError(`${file}: malformed wasm: ${found.message}`, ExitCode.BadInput);
  return {
    file,
    blob: { ...found.blob, size: blob.length, codeHash: codeHashHex(blob) },
    ...found.report,
  };
}

function refusal(r: Exclude<BlobResult, { kind: 'ok' }>): string {
  switch (r.kind) {
    case 'possible-bomb':
      return `possible compression bomb: decompresses to more than ${r.limit} bytes (the limit)`;
    case 'unsupported-type':
      return `a ${r.found} blob, not validation code (${r.expected})`;
    case 'invalid':
      return `not a PVF blob: ${r.reason}`;
  }
}
