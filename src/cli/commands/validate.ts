// `pvf validate`: run a candidate through `validate_block` in a sealed worker.
import { Option, type Command } from 'commander';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { bytesArg, integerArg, MAX_CODE_FILE_BYTES, MAX_DATA_FILE_BYTES } from '../input.js';
import { hex } from '../output.js';
import type { PovParams } from '../../host/validation-host.js';
import { PRIORITIES, type Priority } from '../../host/scheduler.js';
import { type HostFlags, printOutcome, withHost, withHostFlags } from './host-session.js';

interface ValidateFlags extends HostFlags {
  code: string;
  params?: string;
  parentHead?: string;
  blockData?: string;
  relayParentNumber?: string;
  relayParentStorageRoot?: string;
  kind: Priority;
  timeout?: string;
}

const PARTS = '--parent-head, --block-data, --relay-parent-number, --relay-parent-storage-root';

function paramsOf(f: ValidateFlags): Uint8Array | PovParams {
  const parts = [f.parentHead, f.blockData, f.relayParentNumber, f.relayParentStorageRoot];
  if (f.params !== undefined) {
    if (parts.some((p) => p !== undefined))
      throw new CliError(`give --params or the four parts (${PARTS}), not both`, ExitCode.Usage);
    return bytesArg(f.params, '--params', MAX_DATA_FILE_BYTES);
  }
  if (parts.some((p) => p === undefined))
    throw new CliError(`give --params, or all of ${PARTS}`, ExitCode.Usage);
  return {
    parentHead: bytesArg(f.parentHead!, '--parent-head', MAX_DATA_FILE_BYTES),
    blockData: bytesArg(f.blockData!, '--block-data', MAX_DATA_FILE_BYTES),
    relayParentNumber: integerArg(f.relayParentNumber!, '--relay-parent-number', {
      max: 0xffffffff,
    }),
    relayParentStorageRoot: bytesArg(
      f.relayParentStorageRoot!,
      '--relay-parent-storage-root',
      MAX_DATA_FILE_BYTES,
    ),
  };
}

export function registerValidateCommand(program: Command): void {
  withHostFlags(
    program
      .command('validate')
      .description('run validate_block on a candidate in a sealed worker')
      .requiredOption('--code <file>', 'the PVF (plain or zstd-compressed wasm)')
      .option('--params <0xhex|file>', 'SCALE-encoded ValidationParams')
      .option('--parent-head <0xhex|file>', 'parent head data')
      .option('--block-data <0xhex|file>', 'block data (the PoV; may be compressed)')
      .option('--relay-parent-number <n>', 'relay parent block number (u32)')
      .option('--relay-parent-storage-root <0xhex|file>', 'relay parent storage root (32 bytes)')
      .addOption(
        new Option('--kind <kind>', 'timeout, priority and retries')
          .choices([...PRIORITIES])
          .default('backing'),
      )
      .option(
        '--timeout <ms>',
        'CPU-time budget in ms (default: 2000 for backing kinds, 12000 for approval and dispute)',
      ),
  ).action(
    action(async (f: ValidateFlags) => {
      const code = bytesArg(f.code, '--code', MAX_CODE_FILE_BYTES);
      const params = paramsOf(f);
      const timeoutMs =
        f.timeout === undefined ? undefined : integerArg(f.timeout, '--timeout', { min: 1 });
      const out = await withHost(f, (host) =>
        host.validate({ code, params, kind: f.kind, timeoutMs }),
      );
      return printOutcome(out, f.json, ({ result: r, durationMs }) => [
        'valid',
        `  head data: ${hex(r.headData)}`,
        `  new validation code: ${r.newValidationCode === undefined ? 'none' : `${r.newValidationCode.length} bytes`}`,
        `  upward messages: ${r.upwardMessages.length}`,
        `  horizontal messages: ${r.horizontalMessages.length}`,
        `  processed downward messages: ${r.processedDownwardMessages}`,
        `  hrmp watermark: ${r.hrmpWatermark}`,
        `  time: ${durationMs.toFixed(1)} ms`,
      ]);
    }),
  );
}
