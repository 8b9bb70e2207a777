import { Command } from 'commander';
import { ExitCode } from './exit-codes.js';
import { registerCommands } from './commands/index.js';

const program = new Command('pvf')
  .description('Run Polkadot Parachain Validation Functions in sealed, network-denied workers')
  .option('--verbose', 'print stack traces and diagnostic detail on errors')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    // commander exits 1 on usage errors by default; ours is ExitCode.Usage.
    const code =
      err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? 0
        : ExitCode.Usage;
    process.exit(code);
  });
program.version(process.env.npm_package_version ?? '0.1.0');

registerCommands(program);
await program.parseAsync(process.argv);
