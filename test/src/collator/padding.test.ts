// Padded genesis states make real blocks with big proofs: a one-transfer block on a genesis
// whose transfer accounts carry padding must validate exactly (in the engine and in the peer),
// carry the padding in its proof (state version 0: inline in the leaf; version 1: a value node),
// and leave the accounts unpadded after it (the runtime decoded them from the front and wrote
// them back). The unpadded block is the control: its PoV is a few KiB.
import { describe, expect, it } from 'vitest';
import { decompressCode } from '../../../runtime/blob/code-blob.js';
import { prepare, validateBlock } from '../../../runtime/engine/index.js';
import { paddedParachain } from '../../../src/collator/padding.js';
import { peerCall } from '../../../src/collator/peer.js';
import { accountKey } from '../../../src/collator/storage-keys.js';
import { TransferChain } from '../../../src/collator/transfer-chain.js';
import { loadParachain } from '../../../src/examples/cumulus-chain.js';
import { HAVE_FIXTURES } from '../../support/fixtures.js';

const PADDING = 256 * 1024;

const noStorage = {
  get(): never {
    throw new Error('validate_block read the node storage');
  },
  nextKey(): never {
    throw new Error('validate_block stepped through the node storage');
  },
};

describe.runIf(HAVE_FIXTURES).each(['asset-hub', 'template'] as const)(
  'a padded %s genesis',
  (name) => {
    it('makes a valid block whose PoV carries the padding, once', async () => {
      const parachain = await loadParachain(name);
      const padded = paddedParachain(parachain, PADDING);
      const keys = [padded.senders[0]!, padded.recipients[0]!].map((a) => accountKey(a.publicKey));
      const plainLength = keys.map((k) => parachain.config.genesis.get(k)!.length);
      expect(keys.map((k) => padded.config.genesis.get(k)!.length)).toEqual(
        plainLength.map((n) => n + PADDING / 2),
      );

      const control = await new TransferChain(parachain).next(1);
      const chain = new TransferChain(padded);
      const block = await chain.next(1);
      expect(control.blockData.length).toBeLessThan(16 * 1024);
      expect(block.blockData.length).toBeGreaterThan(PADDING);
      expect(block.blockData.length).toBeLessThan(PADDING + control.blockData.length + 1024);
      expect(block.proof.filter((n) => n.length > PADDING / 2)).toHaveLength(2);
      expect(keys.map((k) => block.postState.get(k)!.length)).toEqual(plainLength);
      expect((await chain.next(1)).blockData.length).toBeLessThan(16 * 1024);

      const wasm = await decompressCode(padded.config.code);
      if (wasm.kind !== 'ok') throw new Error('the runtime did not decompress');
      const p = prepare(wasm.bytes);
      if (p.kind !== 'prepared') throw new Error(p.message);
      const ours = validateBlock(p.prepared, block.params);
      expect(ours.kind === 'valid' && ours.result).toEqual(block.result);
      const peer = await peerCall(
        padded.config.code,
        [['validate_block', block.params]],
        noStorage,
      );
      expect(peer.output).toEqual(block.result);
    }, 120_000);
  },
);
