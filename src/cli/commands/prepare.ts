// `pvf prepare`: precheck a PVF (decompress, check, compile, instantiate without running).
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

export function registerPrepareCommand(program: Command): void {
  withHostFlags(
    program
      .command('prepare')
      .description('precheck a PVF in a sealed worker: compile and instantiate without running')
      .argument('<file>', 'the PVF (plain or zstd-compressed wasm)'),
  ).action(
    action(async (file: string, f: HostFlags) => {
      const code = bytesArg(file, 'file');
      const out = await withHost(f, (host) => host.prepare(code));
      if (f.json) process.stdout.write(toJson(out) + '\n');
      else if (out.kind === 'prepared')
        process.stdout.write(
          [
            'prepared',
            `  code hash: ${hex(out.codeHash)}`,
            `  wasm: ${out.codeBytes} bytes`,
            `  compile: ${out.compileMs.toFixed(1)} ms in the worker, ${out.durationMs.toFixed(1)} ms in all`,
          ].join('\n') + '\n',
        );
      else process.stdout.write(failureLines(out).join('\n') + '\n');
      return out.kind === 'prepared' ? ExitCode.Ok : exitFor(out.kind);
    }),
  );
}
