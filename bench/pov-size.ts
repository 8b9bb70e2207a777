// PoV size vs validation cost, part of the `blocks` section: for each target, one-transfer
// blocks on genesis states padded so that the PoV reaches about 0, 1, 5 and 9.5 MiB (the
// transfer's two accounts carry random bytes after their AccountInfo: src/collator/padding.ts;
// 9.5 rather than 10 so that the block data stays under MAX_POV_SIZE, 10 MiB). Each block is
//   decompress — the worker's `decompressPov` on the shipped PoV (prefix + zstd frame; random
//                padding is stored raw by zstd, so this is what a collator ships): median of REPS
//                (after one warm-up of each measure below);
//   bare       — the engine in this process on SCALE params: median of REPS;
//   host pov   — a ValidationHost (1 sealed worker, warm) given the compressed PoV and the
//                persisted validation data, as a validator does: median of REPS;
//   host params — the same worker given the SCALE params whole: median of REPS;
//   proof decode — bare, the same block with the last proof byte flipped: validate_block runs
//                until trie-db's compact decoding has hashed every node and found the root
//                differs, so this is decoding the params, the block data and the whole proof.
// The last column is what each MiB of PoV adds to the bare validation against the unpadded
// block.
import { decompressPov } from '../runtime/worker/inputs.js';
import { validateBlock } from '../runtime/engine/index.js';
import type { PreparedModule } from '../runtime/engine/types.js';
import { negativeParams } from '../src/collator/negatives.js';
import { paddedParachain } from '../src/collator/padding.js';
import { shippedPov } from '../src/collator/pov-blob.js';
import type { ParachainName } from '../src/collator/parachains.js';
import { type TransferBlock, TransferChain } from '../src/collator/transfer-chain.js';
import { loadParachain } from '../src/examples/cumulus-chain.js';
import { ValidationHost } from '../src/host/validation-host.js';
import { testBundles } from '../test/support/worker-bundle.js';
import type { Row } from './section.js';

const REPS = 5;
const MIB = 1024 * 1024;
/** Padding in MiB: the PoV is this plus the unpadded one-transfer block's few KiB. */
export const PADDING_MIB = [0, 1, 5, 9.5];

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function medianOf(fn: () => unknown): Promise<number> {
  const xs: number[] = [];
  for (let r = 0; r < REPS; r++) xs.push(await timed(fn));
  return median(xs);
}

/** One one-transfer block per padding, each on its own padded genesis. */
export async function paddedBlocks(name: ParachainName): Promise<TransferBlock[]> {
  const parachain = await loadParachain(name);
  const blocks: TransferBlock[] = [];
  for (const mib of PADDING_MIB)
    blocks.push(await new TransferChain(paddedParachain(parachain, mib * MIB)).next(1));
  return blocks;
}

/** The rows for one target's padded blocks (`code` as validators receive it). */
export async function povSizeRows(
  name: ParachainName,
  code: Uint8Array,
  prepared: PreparedModule,
  blocks: readonly TransferBlock[],
): Promise<Row[]> {
  const b = await testBundles();
  const host = await ValidationHost.create({
    workers: 1,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
  });
  const rows: Row[] = [];
  let baseBare = 0;
  try {
    for (const [i, block] of blocks.entries()) {
      const label = `${name} #${PADDING_MIB[i]} MiB`;
      const check = (kind: string, what: string) => {
        if (kind !== 'valid') throw new Error(`${label} ${what}: ${kind}`);
      };
      const shipped = shippedPov(block.blockData);
      const pov = {
        parentHead: block.parentHead,
        blockData: shipped,
        relayParentNumber: block.relayParentNumber,
        relayParentStorageRoot: block.relayParentStorageRoot,
      };
      const viaPov = async () =>
        check((await host.validate({ code, params: pov, kind: 'approval' })).kind, 'host pov');
      const viaParams = async () =>
        check(
          (await host.validate({ code, params: block.params, kind: 'approval' })).kind,
          'host params',
        );
      const broken = negativeParams('proof-byte-flipped', block);
      const rejected = () => {
        const out = validateBlock(prepared, broken);
        if (out.kind !== 'invalid' || !out.message.includes('Compact proof decoding failure'))
          throw new Error(`${label}: the flipped proof byte was not caught by proof decoding`);
      };
      // Warm-up: the worker's prepare and first call; the in-process engine's lazy compilation.
      await viaPov();
      validateBlock(prepared, block.params);
      rejected();
      const decompress = await medianOf(async () => {
        if ((await decompressPov(shipped)).kind !== 'ok') throw new Error(`${label}: bad frame`);
      });
      const bare = await medianOf(() => check(validateBlock(prepared, block.params).kind, 'bare'));
      const hostPov = await medianOf(viaPov);
      const hostParams = await medianOf(viaParams);
      const proof = await medianOf(rejected);
      if (i === 0) baseBare = bare;
      const mib = block.blockData.length / MIB;
      rows.push({
        runtime: name,
        'padding MiB': PADDING_MIB[i]!,
        'PoV KiB': r2(block.blockData.length / 1024),
        'shipped KiB': r2(shipped.length / 1024),
        'decompress ms': r2(decompress),
        'bare ms': r2(bare),
        'host pov ms': r2(hostPov),
        'host params ms': r2(hostParams),
        'proof decode ms': r2(proof),
        'bare ms per MiB': i === 0 ? '' : r2((bare - baseBare) / mib),
      });
    }
  } finally {
    await host.close();
  }
  return rows;
}
