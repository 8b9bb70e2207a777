// `pvf example asset-hub|template`: real Cumulus blocks end to end. The offline collator builds
// a chain of blocks with signed transfers for a real runtime (in the peer executor), plus one
// deliberately broken block of each kind; every candidate is validated through sealed workers
// and must end exactly as expected: the exact `ValidationResult` bytes, or the runtime's panic.
import { CliError, ExitCode } from '../exit-codes.js';
import { integerArg } from '../input.js';
import { printJson } from '../output.js';
import type { ExampleFlags } from './example.js';
import { hostOptions, withHost } from './host-session.js';
import { buildProgress, IN_FLIGHT_PER_WORKER, progressLine } from './progress.js';
import { PeerUnavailableError } from '../../collator/peer.js';
import type { ParachainName } from '../../collator/parachains.js';
import { NEGATIVE_KINDS } from '../../collator/negatives.js';
import { type ChainRunReport, runChain } from '../../examples/chain-run.js';
import {
  cumulusRun,
  ParachainSourceError,
  loadParachain,
  type CumulusRun,
} from '../../examples/cumulus-chain.js';
import { probeSandbox, type SandboxStatus } from '../../sandbox/probe.js';

export const DEFAULT_CUMULUS_BLOCKS = 4;
export const DEFAULT_TRANSFERS = 10;
/** Building takes the peer about a second a block here: a bound that keeps a run sane. */
const MAX_CUMULUS_BLOCKS = 1000;
/** Well past what one block's weight allows (about 1,100 transfers on Asset Hub). */
const MAX_TRANSFERS = 5000;

export async function runCumulusExample(name: ParachainName, flags: ExampleFlags): Promise<number> {
  const blocks = integerArg(flags.blocks ?? String(DEFAULT_CUMULUS_BLOCKS), '--blocks', {
    min: 1,
    max: MAX_CUMULUS_BLOCKS,
  });
  const transfers = integerArg(flags.transfers, '--transfers', { max: MAX_TRANSFERS });
  const options = hostOptions(flags);
  const quiet = flags.json === true;
  const started = performance.now();
  const run = await build(name, flags.source, blocks, transfers, quiet);
  const buildSeconds = (performance.now() - started) / 1000;
  const report = await withHost(flags, (host) =>
    runChain(host, run.parachain.config.code, run.candidates, {
      inFlight: options.workers! * IN_FLIGHT_PER_WORKER,
      onProgress: progressLine(run.candidates.length, quiet),
    }),
  );
  const sandbox = await probeSandbox(options.sandbox);
  const povBytes = run.blocks.map((b) => b.blockData.length);
  if (flags.json)
    printJson({
      pvf: name,
      runtime: run.parachain.title,
      blocks,
      transfersPerBlock: transfers,
      workers: options.workers,
      buildSeconds,
      povBytes: { min: Math.min(...povBytes), max: Math.max(...povBytes) },
      ...report,
      sandbox,
    });
  else process.stdout.write(summary(run, report, options.workers!, buildSeconds, sandbox));
  return report.mismatches.length === 0 ? ExitCode.Ok : ExitCode.Invalid;
}

/** Loads the runtime and builds the chain, with its progress on stderr (buildProgress). */
async function build(
  name: ParachainName,
  source: string | undefined,
  blocks: number,
  transfers: number,
  quiet: boolean,
): Promise<CumulusRun> {
  try {
    const parachain = await loadParachain(name, source);
    return await cumulusRun(parachain, {
      blocks,
      transfers,
      negatives: true,
      onBuilt: buildProgress(blocks, quiet),
    });
  } catch (e) {
    if (e instanceof ParachainSourceError) throw new CliError(e.message, ExitCode.BadInput);
    if (e instanceof PeerUnavailableError) throw new CliError(e.message, ExitCode.Inconclusive);
    throw e;
  }
}

function summary(
  run: CumulusRun,
  r: ChainRunReport,
  workers: number,
  buildSeconds: number,
  s: SandboxStatus,
): string {
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  const layers = s.layers.filter((l) => l.applied).map((l) => l.layer);
  const negatives = r.candidates - run.blocks.length;
  const kinds = NEGATIVE_KINDS.slice(0, negatives).join(', ');
  const pov = run.blocks.map((b) => b.blockData.length);
  const lines = [
    `${run.parachain.title}: ${r.candidates} candidates through ${workers} sealed worker(s) in ${r.seconds.toFixed(2)} s`,
    `  built               ${run.blocks.length} blocks in ${buildSeconds.toFixed(1)} s (peer executor), PoV ${Math.min(...pov)}–${Math.max(...pov)} bytes`,
    `  valid blocks        ${r.valid} / ${run.blocks.length} with the expected result bytes`,
    `  invalid blocks      ${r.rejectedAsExpected} / ${negatives} rejected with the runtime's panic (${kinds})`,
    `  validations/s       ${r.validationsPerSecond.toFixed(1)}`,
    `  latency p50 / p99   ${ms(r.latencyMs.p50)} / ${ms(r.latencyMs.p99)}`,
    `  compile             ${ms(r.compileMs)}`,
    `  sandbox             ${s.verdict.kind}: ${layers.join(', ') || 'no layer applied'}`,
  ];
  for (const m of r.mismatches.slice(0, 10))
    lines.push(`  MISMATCH ${m.label}: expected ${m.expected}, got ${m.got}`);
  return lines.join('\n') + '\n';
}
