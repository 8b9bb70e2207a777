// `pvf collate <parachain> --out <dir>`: the collator side alone. Builds a chain of real blocks
// (and, with --negatives, the broken ones) and writes what a validator receives, so that
// `pvf validate` can be run on each file:
//   code.wasm              the runtime blob validators hold (as in the genesis);
//   NNNN.params            SCALE ValidationParams (block data uncompressed, as validate_block gets it);
//   NNNN.pov               the PoV as a collator ships it (prefixed zstd frame), with
//   NNNN.parent-head       the parent head and
//   NNNN.relay-root        the relay parent storage root, for the four-part form of `pvf validate`;
//   NNNN.result            the SCALE ValidationResult a valid block must produce;
//   manifest.json          every file, the relay parent numbers and each candidate's expected outcome.
// With --pad-state, the genesis carries that much random state in the first transfer's accounts
// (src/collator/padding.ts), so the first block's PoV is that much bigger.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Argument, type Command } from 'commander';
import { action } from '../action.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { integerArg } from '../input.js';
import { jsonOption } from '../options.js';
import { printJson } from '../output.js';
import { PeerUnavailableError } from '../../collator/peer.js';
import { paddedParachain } from '../../collator/padding.js';
import { PARACHAINS, type ParachainName } from '../../collator/parachains.js';
import { shippedPov } from '../../collator/pov-blob.js';
import {
  cumulusRun,
  ParachainSourceError,
  loadParachain,
  negativeCandidates,
} from '../../examples/cumulus-chain.js';

interface CollateFlags {
  out: string;
  blocks: string;
  transfers: string;
  negatives?: boolean;
  padState: string;
  source?: string;
  json?: boolean;
}

export function registerCollateCommand(program: Command): void {
  program
    .command('collate')
    .description('build real parachain blocks offline and write their PoVs and params to files')
    .addArgument(new Argument('<parachain>', 'the runtime').choices([...PARACHAINS]))
    .requiredOption('--out <dir>', 'the folder to write to (created if missing)')
    .option('--blocks <n>', 'blocks to build', '4')
    .option('--transfers <n>', 'signed balance transfers per block', '10')
    .option('--negatives', 'also write one deliberately broken candidate of each kind')
    .option(
      '--pad-state <KiB>',
      "random state in the first transfer's accounts: the first PoV grows by this much",
      '0',
    )
    .option('--source <file>', 'the chain spec (asset-hub) or runtime blob (template)')
    .addOption(jsonOption())
    .action(action((name: string, flags: CollateFlags) => collate(name as ParachainName, flags)));
}

async function collate(name: ParachainName, f: CollateFlags): Promise<number> {
  const blocks = integerArg(f.blocks, '--blocks', { min: 1, max: 1000 });
  const transfers = integerArg(f.transfers, '--transfers', { max: 5000 });
  // Up to MAX_POV_SIZE (10 MiB): validators refuse a larger PoV before running it.
  const padKiB = integerArg(f.padState, '--pad-state', { max: 10 * 1024 });
  if (padKiB > 0 && transfers === 0)
    throw new CliError('--pad-state needs --transfers of at least 1', ExitCode.Usage);
  let run;
  try {
    const parachain = await loadParachain(name, f.source);
    const padded = padKiB > 0 ? paddedParachain(parachain, padKiB * 1024) : parachain;
    run = await cumulusRun(padded, {
      blocks,
      transfers,
      negatives: false,
    });
  } catch (e) {
    if (e instanceof ParachainSourceError) throw new CliError(e.message, ExitCode.BadInput);
    if (e instanceof PeerUnavailableError) throw new CliError(e.message, ExitCode.Inconclusive);
    throw e;
  }
  mkdirSync(f.out, { recursive: true });
  const write = (file: string, bytes: Uint8Array) => {
    writeFileSync(join(f.out, file), bytes);
    return file;
  };
  const manifest = {
    runtime: run.parachain.title,
    code: write('code.wasm', run.parachain.config.code),
    candidates: [] as object[],
  };
  for (const b of run.blocks) {
    const n = String(b.number).padStart(4, '0');
    manifest.candidates.push({
      label: `#${b.number}`,
      transfers: b.transfers,
      params: write(`${n}.params`, b.params),
      pov: write(`${n}.pov`, shippedPov(b.blockData)),
      parentHead: write(`${n}.parent-head`, b.parentHead),
      relayParentStorageRoot: write(`${n}.relay-root`, b.relayParentStorageRoot),
      relayParentNumber: b.relayParentNumber,
      weightRefTime: String(b.weight.refTime),
      expected: { kind: 'valid', result: write(`${n}.result`, b.result) },
    });
  }
  const last = run.blocks.at(-1)!;
  if (f.negatives)
    for (const c of negativeCandidates(last, run.parachain.assertions, last.transfers > 0)) {
      const kind = c.label.split(' ')[1]!;
      manifest.candidates.push({
        label: c.label,
        params: write(`${String(last.number).padStart(4, '0')}-${kind}.params`, c.params),
        expected: c.expected.kind === 'invalid' ? { kind: 'invalid', panic: c.expected.panic } : {},
      });
    }
  writeFileSync(join(f.out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (f.json) printJson({ out: f.out, ...manifest });
  else {
    const first = run.blocks[0]!;
    const n = String(first.number).padStart(4, '0');
    process.stdout.write(
      `${run.parachain.title}: wrote ${manifest.candidates.length} candidates to ${f.out}\n` +
        `  pvf validate --code ${join(f.out, 'code.wasm')} --params ${join(f.out, `${n}.params`)}\n` +
        `  pvf validate --code ${join(f.out, 'code.wasm')} --parent-head ${join(f.out, `${n}.parent-head`)} ` +
        `--block-data ${join(f.out, `${n}.pov`)} --relay-parent-number ${first.relayParentNumber} ` +
        `--relay-parent-storage-root ${join(f.out, `${n}.relay-root`)}\n`,
    );
  }
  return ExitCode.Ok;
}
