// `pvf call`: call any runtime export `(i32, i32) -> i64` (Core_version, Metadata_metadata, …).
import type { Command } from 'commander';
import { action } from '../action.js';
import { ExitCode } from '../exit-codes.js';
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
      const code = bytesArg(f.code, '--code');
      const input = f.input === undefined ? new Uint8Array(0) : bytesArg(f.input, '--input');
      const out = await withHost(f, (host) => host.call({ code, fn: f.fn, input }));
      if (f.json) process.stdout.write(toJson(out) + '\n');
      else if (out.kind === 'returned') {
        process.stdout.write(`${hex(out.output)}\n`);
        process.stderr.write(
          `returned ${out.output.length} bytes in ${out.durationMs.toFixed(1)} ms\n`,
        );
      } else process.stdout.write(failureLines(out).join('\n') + '\n');
      return out.kind === 'returned' ? ExitCode.Ok : exitFor(out.kind);
    }),
  );
}
