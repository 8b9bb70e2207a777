// `pvf call`: call any runtime export `(i32, i32) -> i64` (Core_version, Metadata_metadata, …).
import type { Command } from 'commander';
import { action } from '../action.js';
import { bytesArg, MAX_CODE_FILE_BYTES, MAX_DATA_FILE_BYTES } from '../input.js';
import { hex } from '../output.js';
import { type HostFlags, printOutcome, withHost, withHostFlags } from './host-session.js';

interface CallFlags extends HostFlags {
  code: string;
  fn: string;
  input?: string;
}

export function registerCallCommand(program: Command): void {
  withHostFlags(
    program
      .command('call')
      .description('call a runtime export in a sealed worker and print its output bytes')
      .requiredOption('--code <file>', 'the runtime (plain or zstd-compressed wasm)')
      .requiredOption('--fn <name>', 'the export, e.g. Core_version')
      .option('--input <0xhex|file>', 'input bytes (default: none)'),
  ).action(
    action(async (f: CallFlags) => {
      const code = bytesArg(f.code, '--code', MAX_CODE_FILE_BYTES);
      const input =
        f.input === undefined
          ? new Uint8Array(0)
          : bytesArg(f.input, '--input', MAX_DATA_FILE_BYTES);
      const out = await withHost(f, (host) => host.call({ code, fn: f.fn, input }));
      return printOutcome(out, f.json, ({ output, durationMs }) => {
        // Only the bytes go to stdout, so that they can be piped.
        process.stderr.write(`returned ${output.length} bytes in ${durationMs.toFixed(1)} ms\n`);
        return [hex(output)];
      });
    }),
  );
}
