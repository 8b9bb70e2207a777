// The commands that run PVFs through the validation host.
import type { Command } from 'commander';
import { registerCallCommand } from './call.js';
import { registerPrepareCommand } from './prepare.js';
import { registerValidateCommand } from './validate.js';

export function registerHostCommands(program: Command): void {
  registerValidateCommand(program);
  registerCallCommand(program);
  registerPrepareCommand(program);
}
