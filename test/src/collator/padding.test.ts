// Padded genesis states make real blocks with big proofs: a one-transfer block on a genesis
// whose transfer accounts carry padding must validate exactly (in the engine and in the peer),
// carry the padding in its proof (state version 0: inline in the leaf; version 1: a value node),
// and leave the accounts unpadded after it (the runtime decoded them from the front and wrote
// them back). The unpadded block is the control: its PoV is a few KiB. Through a sealed worker,
// a shipped (compressed) multi-MiB PoV crosses the socket in many reads, is decompressed and
// turned into params in the worker, and must end exactly as in-process; with one proof byte
// flipped it must be refused by the runtime's proof decoding.
import { describe, expect, it } from 'vitest';
import { decompressCode } from '../../../runtime/blob/code-blob.js';
import { negativeParams } from '../../../src/collator/negatives.js';
import { shippedPov } from '../../../src/collator/pov-blob.js';
import { decodeValidationParams } from '../../../runtime/codec/validation.js';
import { prepare, validateBlock } from '../../../runtime/engine/index.js';
import { paddedParachain } from '../../../src/collator/padding.js';
import { peerCall } from '../../../src/collator/peer.js';
import { accountKey } from '../../../src/collator/storage-keys.js';
import { TransferChain } from '../../../src/collator/transfer-chain.js';
import { loadParachain } from '../../../src/examples/cumulus-chain.js';
import { HAVE_FIXTURES } from '../../support/fixtures.js';
import { closedAfterEach } from '../../support/test-host.js';

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

describe.runIf(HAVE_FIXTURES && process.platform === 'linux')('a shipped multi-MiB PoV', () => {
  const newHost = closedAfterEach();

  it('validates exactly through a sealed worker, and a flipped proof byte is refused', async () => {
    const padded = paddedParachain(await loadParachain('template'), 3 * 1024 * 1024);
    const block = await new TransferChain(padded).next(1);
    expect(block.blockData.length).toBeGreaterThan(3 * 1024 * 1024);
    const host = await newHost();
    const code = padded.config.code;
    const pov = (blockData: Uint8Array) => ({
      parentHead: block.parentHead,
      blockData: shippedPov(blockData),
      relayParentNumber: block.relayParentNumber,
      relayParentStorageRoot: block.relayParentStorageRoot,
    });
    const valid = await host.validate({ code, params: pov(block.blockData), kind: 'approval' });
    expect(valid.kind === 'valid' && Buffer.from(valid.resultBytes).equals(block.result)).toBe(
      true,
    );
    const broken = decodeValidationParams(negativeParams('proof-byte-flipped', block)).blockData;
    const refused = await host.validate({ code, params: pov(broken), kind: 'approval' });
    expect(refused).toMatchObject({ kind: 'invalid' });
    if (refused.kind === 'invalid')
      expect(refused.message).toContain('Compact proof decoding failure');
  }, 120_000);
});
