// `pvf inspect <file> [--json]`: what a PVF blob is, without running it — blob type and sizes,
// code hash, ABI, imports (served, stubbed, denied with the reason), memory, heap globals,
// tables, embedded runtime version and post-MVP features.
import type { Command } from 'commander';
import {
  type BlobResult,
  type BlobType,
  decompressCode,
  VALIDATION_CODE_BOMB_LIMIT,
} from '../../../runtime/blob/code-blob.js';
import { codeHashHex } from '../../../runtime/blob/code-hash.js';
import { type InspectReport, inspectModule } from '../../../runtime/wasm/inspect.js';
import { WasmParseError } from '../../../runtime/wasm/reader.js';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { bytesArg, integerArg } from '../input.js';
import { jsonOption } from '../options.js';
import { printJson } from '../output.js';
import { renderInspect } from './inspect-text.js';

interface InspectFlags {
  json?: boolean;
  limit: string;
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
    .option(
      '--limit <bytes>',
      'largest accepted decompressed size in bytes (max code size 3 MiB × 10)',
      String(VALIDATION_CODE_BOMB_LIMIT),
    )
    .action(
      action(async (file: string, flags: InspectFlags) => {
        const result = await inspectFile(file, integerArg(flags.limit, '--limit', { min: 1 }));
        if (flags.json) printJson(result);
        else process.stdout.write(renderInspect(result));
      }),
    );
}

/**
 * Reads, decompresses, hashes and inspects `file`.
 * @throws {CliError} (exit code BadInput) with one line saying what is wrong with the input.
 */
export async function inspectFile(file: string, limit: number): Promise<BlobInspection> {
  // On-chain code is at most `max_code_size` (3 MiB) as submitted, so a file over the
  // decompression limit cannot be a PVF: it is refused from its size, before reading.
  const blob = bytesArg(file, undefined, limit);
  const decompressed = await decompressCode(blob, { limit });
  if (decompressed.kind !== 'ok')
    throw new CliError(`${file}: ${refusal(decompressed)}`, ExitCode.BadInput);
  let report: InspectReport;
  try {
    report = inspectModule(decompressed.bytes);
  } catch (err) {
    if (err instanceof WasmParseError)
      throw new CliError(`${file}: malformed wasm: ${err.message}`, ExitCode.BadInput);
    throw err;
  }
  return {
    file,
    blob: {
      type: decompressed.type,
      compressed: decompressed.compressed,
      size: blob.length,
      codeSize: decompressed.bytes.length,
      codeHash: codeHashHex(blob),
    },
    ...report,
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
