import type { Command } from 'commander';
import { registerHostCommands } from './host.js';
import { registerInspectCommand } from './inspect.js';
import { registerExampleCommand } from './example.js';
import { registerCollateCommand } from './collate.js';
import { registerSandboxCommand } from './sandbox.js';

/** Adds every `pvf` subcommand to the program. */
export function registerCommands(program: Command): void {
  registerInspectCommand(program);
  registerSandboxCommand(program);
  registerExampleCommand(program);
  registerCollateCommand(program);
  registerHostCommands(program);
}
