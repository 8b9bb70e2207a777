// The two real blocks the side-by-side block benches validate per parachain: 100 transfers, and
// a full one (as many as the block's weight allows), built offline by the collator, with the
// decompressed runtime that validates them; and how those benches time two variants on them.
import { decompressCode } from '../runtime/blob/code-blob.js';
import { validateBlock } from '../runtime/engine/index.js';
import type { PreparedModule } from '../runtime/engine/types.js';
import type { ParachainName } from '../src/collator/parachains.js';
import { type TransferBlock, TransferChain } from '../src/collator/transfer-chain.js';
import { loadParachain } from '../src/examples/cumulus-chain.js';
import { processCpuMs } from './process-cpu.js';

/** More than any target's block can take: the full block is what the runtime accepts of it. */
const PROBE = 1500;

export async function hundredAndFull(
  name: ParachainName,
): Promise<{ wasm: Uint8Array; blocks: TransferBlock[] }> {
  const parachain = await loadParachain(name);
  const chain = new TransferChain(parachain);
  const blocks = [await chain.next(100)];
  blocks.push(await chain.next(await chain.capacity(PROBE)));
  const code = await decompressCode(parachain.config.code);
  if (code.kind !== 'ok') throw new Error(`${name}: code did not decompress`);
  return { wasm: code.bytes, blocks };
}

/**
 * Median CPU ms (process-cpu.ts) of a bare validation of `block` by each of two prepared
 * modules, validated in alternating order for `rounds` rounds, the first `warmUp` not counted.
 * `before(variant)` runs before each validation (to switch what serves a host function).
 */
export function alternatingCpu<K extends string>(
  variants: Readonly<Record<K, PreparedModule>>,
  order: readonly K[],
  block: TransferBlock,
  rounds: { total: number; warmUp: number },
  before: (variant: K) => void = () => {},
): Record<K, number> {
  const cpu = new Map<K, number[]>(order.map((k) => [k, []]));
  for (let round = 0; round < rounds.total; round++)
    for (const v of round % 2 ? order : [...order].reverse()) {
      before(v);
      const c0 = processCpuMs();
      const out = validateBlock(variants[v], block.params);
      const ms = processCpuMs() - c0;
      if (out.kind !== 'valid') throw new Error(`block #${block.number}: ${out.kind}`);
      if (round >= rounds.warmUp) cpu.get(v)!.push(ms);
    }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(order.map((k) => [k, median(cpu.get(k)!)])) as Record<K, number>;
}
