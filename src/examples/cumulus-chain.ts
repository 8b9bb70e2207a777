// Real Cumulus blocks as example candidates: a chain of blocks with balance transfers built by
// the offline collator (src/collator) for a real runtime, plus one deliberately broken block of
// each kind, each with the outcome a validator must reach. What `pvf example asset-hub` and
// `pvf example template` validate, and what `pvf collate` writes to files.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuiltBlock } from '../collator/collator.js';
import { expectedPanic, NEGATIVE_KINDS, negativeParams } from '../collator/negatives.js';
import {
  type AssertionStyle,
  assetHubKusama,
  type Parachain,
  type ParachainName,
  type RawChainSpec,
} from '../collator/parachains.js';
import { templateParachain } from '../collator/template-genesis.js';
import { type TransferBlock, TransferChain } from '../collator/transfer-chain.js';
import type { Candidate } from './candidate.js';
import { packageRoot } from './code.js';

/** The file a parachain is built from is missing or is not what it should be. */
export class ParachainSourceError extends Error {
  override name = 'ParachainSourceError';
}

/**
 * Where the real runtimes and chain specs are: `$PVF_FIXTURES`, else `../shared/fixtures`
 * beside the package (they are data kept outside the package, never copied into it).
 */
export function fixturesDir(): string {
  return resolve(process.env.PVF_FIXTURES ?? join(packageRoot(), '..', 'shared', 'fixtures'));
}

/** The file each parachain is built from, under {@link fixturesDir}. */
export const PARACHAIN_SOURCES: Readonly<Record<ParachainName, string>> = {
  'asset-hub': 'chain-specs/asset-hub-kusama-local.json',
  template: 'pvf/template-parachain.compact.compressed.wasm',
};

/**
 * Loads a parachain: Asset Hub from its raw chain spec, the template from its runtime blob (and
 * the genesis written in template-genesis.ts). `file` overrides the default source.
 * @throws {ParachainSourceError} when the source file is absent or not a raw chain spec.
 */
export async function loadParachain(name: ParachainName, file?: string): Promise<Parachain> {
  const path = file ?? join(fixturesDir(), PARACHAIN_SOURCES[name]);
  if (!existsSync(path))
    throw new ParachainSourceError(`${path} is missing (set PVF_FIXTURES or give the file)`);
  const bytes = readFileSync(path);
  switch (name) {
    case 'asset-hub': {
      let spec: RawChainSpec;
      try {
        spec = JSON.parse(bytes.toString('utf8')) as RawChainSpec;
      } catch (e) {
        throw new ParachainSourceError(`${path} is not JSON: ${(e as Error).message}`);
      }
      if (typeof spec?.genesis?.raw?.top !== 'object')
        throw new ParachainSourceError(`${path} is not a raw chain spec (no genesis.raw.top)`);
      return assetHubKusama(spec);
    }
    case 'template':
      return templateParachain(new Uint8Array(bytes));
  }
}

export interface CumulusRunOptions {
  readonly blocks: number;
  /** Signed transfers per block (the first block of a chain may carry them too). */
  readonly transfers: number;
  /** Add one broken block of each kind, made from the last valid block. */
  readonly negatives: boolean;
  readonly onBuilt?: (block: TransferBlock) => void;
}

export interface CumulusRun {
  readonly parachain: Parachain;
  readonly blocks: readonly TransferBlock[];
  readonly candidates: readonly Candidate[];
}

/**
 * Builds `blocks` blocks of `transfers` transfers each and turns them, and the broken blocks,
 * into candidates.
 * @throws what the collator throws (a peer failure, a transfer that did not arrive).
 */
export async function cumulusRun(parachain: Parachain, o: CumulusRunOptions): Promise<CumulusRun> {
  const chain = new TransferChain(parachain);
  const blocks: TransferBlock[] = [];
  for (let i = 0; i < o.blocks; i++) {
    const block = await chain.next(o.transfers);
    blocks.push(block);
    o.onBuilt?.(block);
  }
  const candidates: Candidate[] = blocks.map(validCandidate);
  const last = blocks.at(-1);
  if (o.negatives && last !== undefined)
    candidates.push(...negativeCandidates(last, parachain.assertions, last.transfers > 0));
  return { parachain, blocks, candidates };
}

export const validCandidate = (b: TransferBlock): Candidate => ({
  label: `#${b.number} (${b.transfers} transfers)`,
  params: b.params,
  expected: { kind: 'valid', result: b.result },
});

/** One broken candidate of each kind (the bad-signature one only if the block has transfers). */
export function negativeCandidates(
  b: BuiltBlock,
  style: AssertionStyle,
  withTransfers: boolean,
): Candidate[] {
  return NEGATIVE_KINDS.filter((k) => withTransfers || k !== 'transfer-signature-resealed').map(
    (kind) => ({
      label: `#${b.number} ${kind}`,
      params: negativeParams(kind, b),
      expected: { kind: 'invalid', panic: expectedPanic(kind, b, style) },
    }),
  );
}
