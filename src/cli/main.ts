// First: refuse a Node older than package.json's engines before anything else runs.
import './node-check.js';
import { Command } from 'commander';
import { reportError } from './action.js';
import { ExitCode } from './exit-codes.js';
import { registerCommands } from './commands/index.js';
import { packageVersion } from './version.js';

const program = new Command('pvf')
  .description('Run Polkadot Parachain Validation Functions in sealed, network-denied workers')
  .option('--verbose', 'print stack traces and diagnostic detail on errors')
  // Usage errors read like every other error: one line on stderr, `pvf: …`.
  .configureOutput({
    outputError: (text, write) =>
      write(`pvf: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
  })
  .exitOverride((err) => {
    // commander exits 1 on usage errors by default; ours is ExitCode.Usage.
    const code =
      err.code === 'commander.helpDisplayed' || err.code === 'commander.version'
        ? 0
        : ExitCode.Usage;
    process.exit(code);
  });
program.version(packageVersion());

// A reader that stops early (`pvf call … | head -c 100`) is not an error: end quietly.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? ExitCode.Ok);
  });
// Whatever escapes the commands' own handling still ends as one line, never a bare stack.
const fatal = (err: unknown) =>
  process.exit(reportError(err, (program.opts() as { verbose?: boolean }).verbose === true));
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

registerCommands(program);
await program.parseAsync(process.argv);
