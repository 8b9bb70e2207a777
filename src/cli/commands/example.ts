// `pvf example adder|asset-hub|template`: the project's main job end to end. Builds a chain of
// blocks (plus one deliberately invalid block of each kind), validates every one through the
// sealed validation host, and reports what matched, how fast, and which sandbox layers the
// workers ran under. Exit 0 when every outcome is the expected one, 1 otherwise. The adder
// needs nothing outside the repository; the real Cumulus runtimes are in example-cumulus.ts.
import { Argument, type Command } from 'commander';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { integerArg } from '../input.js';
import { printJson } from '../output.js';
import { adderRunCandidates, type ChainRunReport, runChain } from '../../examples/chain-run.js';
import { INVALID_BLOCK_KINDS } from '../../examples/candidate.js';
import { exampleCode, ExampleCodeMissingError } from '../../examples/code.js';
import { DEFAULT_HOST_OPTIONS } from '../../host/options.js';
import { probeSandbox, type SandboxStatus } from '../../sandbox/probe.js';
import { type HostFlags, hostOptions, withHost, withHostFlags } from './host-session.js';
import { IN_FLIGHT_PER_WORKER, progressLine } from './progress.js';
import { PARACHAINS, type ParachainName } from '../../collator/parachains.js';
import { DEFAULT_CUMULUS_BLOCKS, DEFAULT_TRANSFERS, runCumulusExample } from './example-cumulus.js';

export interface ExampleFlags extends HostFlags {
  blocks?: string;
  workers: string;
  transfers: string;
  source?: string;
}

const DEFAULT_BLOCKS = 1000;
const MAX_BLOCKS = 1_000_000;

export function registerExampleCommand(program: Command): void {
  withHostFlags(
    program
      .command('example')
      .description('build a chain of example parachain blocks and validate it in sealed workers')
      .addArgument(new Argument('<pvf>', 'the example PVF').choices(['adder', ...PARACHAINS]))
      .option(
        '--blocks <n>',
        `valid blocks to build and validate (default: ${DEFAULT_BLOCKS} for adder, ${DEFAULT_CUMULUS_BLOCKS} for a Cumulus runtime)`,
      )
      .option(
        '--transfers <n>',
        'signed balance transfers per block (Cumulus runtimes)',
        String(DEFAULT_TRANSFERS),
      )
      .option(
        '--source <file>',
        'the chain spec (asset-hub) or runtime blob (template); default: under $PVF_FIXTURES or ../shared/fixtures',
      ),
    { workers: DEFAULT_HOST_OPTIONS.workers },
  ).action(
    action((pvf: string, flags: ExampleFlags) =>
      pvf === 'adder' ? runExample(flags) : runCumulusExample(pvf as ParachainName, flags),
    ),
  );
}

async function runExample(flags: ExampleFlags): Promise<number> {
  const blocks = integerArg(flags.blocks ?? String(DEFAULT_BLOCKS), '--blocks', {
    min: 1,
    max: MAX_BLOCKS,
  });
  const options = hostOptions(flags);
  const workers = options.workers!;
  let code: Uint8Array;
  try {
    code = exampleCode('adder');
  } catch (e) {
    if (e instanceof ExampleCodeMissingError) throw new CliError(e.message, ExitCode.BadInput);
    throw e;
  }
  const candidates = adderRunCandidates(blocks);
  const report = await withHost(flags, (host) =>
    runChain(host, code, candidates, {
      inFlight: workers * IN_FLIGHT_PER_WORKER,
      onProgress: progressLine(candidates.length, flags.json === true),
    }),
  );
  const sandbox = await probeSandbox(options.sandbox);
  if (flags.json) printJson({ pvf: 'adder', blocks, workers, ...report, sandbox });
  else process.stdout.write(summary(report, blocks, workers, sandbox));
  return report.mismatches.length === 0 ? ExitCode.Ok : ExitCode.Invalid;
}

function summary(r: ChainRunReport, blocks: number, workers: number, s: SandboxStatus): string {
  const invalidBlocks = INVALID_BLOCK_KINDS.length;
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const layers = s.layers.filter((l) => l.applied).map((l) => l.layer);
  const lines = [
    `adder: ${r.candidates} candidates through ${workers} sealed worker(s) in ${r.seconds.toFixed(2)} s`,
    `  sandbox             ${s.verdict.kind}: ${layers.join(', ') || 'no layer applied'}`,
    `  validations/s       ${Math.round(r.validationsPerSecond)}`,
    `  latency p50 / p99   ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p99)}`,
    `  compile             ${ms(r.compileMs)}`,
    // The verdicts last, where a reader of the run's tail looks for them.
    `  valid blocks        ${r.valid} / ${blocks} with the expected result bytes`,
    `  invalid blocks      ${r.rejectedAsExpected} / ${invalidBlocks} rejected with the expected panic (${INVALID_BLOCK_KINDS.join(', ')})`,
  ];
  for (const m of r.mismatches.slice(0, 10))
    lines.push(`  MISMATCH ${m.label}: expected ${m.expected}, got ${m.got}`);
  if (r.mismatches.length > 10) lines.push(`  ... and ${r.mismatches.length - 10} more mismatches`);
  return lines.join('\n') + '\n';
}
