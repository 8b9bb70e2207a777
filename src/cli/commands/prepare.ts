// `pvf prepare`: precheck a PVF (decompress, check, compile, instantiate without running).
import type { Command } from 'commander';
import { action } from '../action.js';
import { MAX_CODE_FILE_BYTES, bytesArg } from '../input.js';
import { hex } from '../output.js';
import { type HostFlags, printOutcome, withHost, withHostFlags } from './host-session.js';

export function registerPrepareCommand(program: Command): void {
  withHostFlags(
    program
      .command('prepare')
      .description('precheck a PVF in a sealed worker: compile and instantiate without running')
      .argument('<file>', 'the PVF (plain or zstd-compressed wasm)'),
  ).action(
    action(async (file: string, f: HostFlags) => {
      const code = bytesArg(file, undefined, MAX_CODE_FILE_BYTES);
      const out = await withHost(f, (host) => host.prepare(code));
      return printOutcome(out, f.json, (o) => [
        'prepared',
        `  code hash: ${hex(o.codeHash)}`,
        `  wasm: ${o.codeBytes} bytes`,
        `  compile: ${o.compileMs.toFixed(1)} ms in the worker, ${o.durationMs.toFixed(1)} ms in all`,
      ]);
    }),
  );
}
