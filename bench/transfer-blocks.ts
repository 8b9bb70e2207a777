// The two real blocks the side-by-side block benches validate per parachain: 100 transfers, and
// a full one (as many as the block's weight allows), built offline by the collator, with the
// decompressed runtime that validates them.
import { decompressCode } from '../runtime/blob/code-blob.js';
import type { ParachainName } from '../src/collator/parachains.js';
import { type TransferBlock, TransferChain } from '../src/collator/transfer-chain.js';
import { loadParachain } from '../src/examples/cumulus-chain.js';

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
