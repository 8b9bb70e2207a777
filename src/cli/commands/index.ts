import type { Command } from 'commander';
import { registerSandboxCommand } from './sandbox.js';

/** Adds every `pvf` subcommand to the program. */
export function registerCommands(program: Command): void {
  registerSandboxCommand(program);
}
