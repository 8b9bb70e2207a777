// `pvf validate`: run a candidate through `validate_block` in a sealed worker.
import { Option, type Command } from 'commander';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { PovParams } from '../../host/validation-host.js';
import { PRIORITIES, type Priority } from '../../host/scheduler.js';
import {
  bytesArg,
  exitFor,
  failureLines,
  hex,
  type HostFlags,
  toJson,
  withHost,
  withHostFlags,
} from './host-session.js';

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

function paramsOf(f: ValidateFlags): Uint8Array | PovParams {
  const parts = [f.parentHead, f.blockData, f.relayParentNumber, f.relayParentStorageRoot];
  if (f.params !== undefined) {
    if (parts.some((p) => p !== undefined))
      throw new CliError('give --params or the four parts, not both', ExitCode.Usage);
    return bytesArg(f.params, '--params');
  }
  if (parts.some((p) => p === undefined))
    throw new CliError(
      'give --params, or all of --parent-head, --block-data, --relay-parent-number, --relay-parent-storage-root',
      ExitCode.Usage,
    );
  const n = Number(f.relayParentNumber);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new CliError('--relay-parent-number must be a u32', ExitCode.Usage);
  return {
    parentHead: bytesArg(f.parentHead!, '--parent-head'),
    blockData: bytesArg(f.blockData!, '--block-data'),
    relayParentNumber: n,
    relayParentStorageRoot: bytesArg(f.relayParentStorageRoot!, '--relay-parent-storage-root'),
  };
}

export function registerValidateCommand(program: Command): void {
  withHostFlags(
    program
      .command('validate')
      .description('run validate_block on a candidate in a sealed worker')
      .requiredOption('--code <file>', 'the PVF (plain or zstd-compressed wasm)')
      .option('--params <file|0xhex>', 'SCALE-encoded ValidationParams')
      .option('--parent-head <0xhex|file>', 'parent head data')
      .option('--block-data <0xhex|file>', 'block data (the PoV; may be compressed)')
      .option('--relay-parent-number <n>', 'relay parent block number')
      .option('--relay-parent-storage-root <0xhex>', 'relay parent storage root (32 bytes)')
      .addOption(
        new Option('--kind <kind>', 'timeout, priority and retries')
          .choices([...PRIORITIES])
          .default('backing'),
      )
      .option(
        '--timeout <ms>',
        'CPU-time budget in ms (default per kind: backing 2000, approval 12000)',
      ),
  ).action(
    action(async (f: ValidateFlags) => {
      const code = bytesArg(f.code, '--code');
      const params = paramsOf(f);
      const timeoutMs = f.timeout === undefined ? undefined : Number(f.timeout);
      if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1))
        throw new CliError('--timeout must be a positive integer (ms)', ExitCode.Usage);
      const out = await withHost(f, (host) =>
        host.validate({ code, params, kind: f.kind, timeoutMs }),
      );
      if (f.json) process.stdout.write(toJson(out) + '\n');
      else if (out.kind === 'valid') {
        const r = out.result;
        process.stdout.write(
          [
            `valid`,
            `  head data: ${hex(r.headData)}`,
            `  new validation code: ${r.newValidationCode === undefined ? 'none' : `${r.newValidationCode.length} bytes`}`,
            `  upward messages: ${r.upwardMessages.length}`,
            `  horizontal messages: ${r.horizontalMessages.length}`,
            `  processed downward messages: ${r.processedDownwardMessages}`,
            `  hrmp watermark: ${r.hrmpWatermark}`,
            `  time: ${out.durationMs.toFixed(1)} ms`,
          ].join('\n') + '\n',
        );
      } else process.stdout.write(failureLines(out).join('\n') + '\n');
      return out.kind === 'valid' ? ExitCode.Ok : exitFor(out.kind);
    }),
  );
}
