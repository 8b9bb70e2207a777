// Deliberately invalid candidates made from a real built block, each broken in one way a
// validator must catch. Where the change alters the header, the block is sealed again by its own
// author, so that the seal check passes and the runtime reaches the check under test.
import { validationParams } from '../../runtime/codec/validation.js';
import { type BuiltBlock, extrinsicsRoot } from './collator.js';
import { SIGNATURE_OFFSET } from './extrinsic.js';
import type { AssertionStyle } from './parachains.js';
import { type Header, header as headerCodec, parachainBlockData } from './scale.js';
import { blake2_256 } from './trie.js';

export const NEGATIVE_KINDS = [
  /** One bit of the Aura seal's signature flipped. */
  'seal-bit-flipped',
  /** The header's state root changed, and the header sealed again. */
  'state-root-resealed',
  /** One node dropped from the compact storage proof. */
  'proof-node-dropped',
  /** One byte of a storage proof node flipped. */
  'proof-byte-flipped',
  /** `relay_parent_storage_root` in the params changed. */
  'relay-parent-root-changed',
  /** `relay_parent_number` in the params changed. */
  'relay-parent-number-changed',
  /** A transfer's signature broken, the extrinsics root updated and the header sealed again. */
  'transfer-signature-resealed',
] as const;
export type NegativeKind = (typeof NEGATIVE_KINDS)[number];

/**
 * SCALE `ValidationParams` for `block` broken as `kind` says.
 * @throws {RangeError} for `transfer-signature-resealed` on a block without signed extrinsics.
 */
export function negativeParams(kind: NegativeKind, block: BuiltBlock): Uint8Array {
  const data = parachainBlockData.dec(block.blockData);
  const params = {
    parentHead: block.parentHead,
    blockData: block.blockData,
    relayParentNumber: block.relayParentNumber,
    relayParentStorageRoot: block.relayParentStorageRoot,
  };
  const withData = (d: typeof data) => ({ ...params, blockData: parachainBlockData.enc(d) });
  switch (kind) {
    case 'seal-bit-flipped': {
      const digest = [...data.header.digest];
      const seal = digest.pop()!;
      if (seal.tag !== 'Seal') throw new Error('the last digest item is not a seal');
      const signature = seal.value[1].slice();
      signature[0]! ^= 0x01;
      digest.push({ tag: 'Seal', value: [seal.value[0], signature] });
      return validationParams.enc(withData({ ...data, header: { ...data.header, digest } }));
    }
    case 'state-root-resealed': {
      const stateRoot = data.header.stateRoot.slice();
      stateRoot[31]! ^= 0x01;
      const header = reseal({ ...data.header, stateRoot }, block);
      return validationParams.enc(withData({ ...data, header }));
    }
    case 'proof-node-dropped': {
      const nodes = data.storageProof.filter((_, i) => i !== data.storageProof.length - 1);
      return validationParams.enc(withData({ ...data, storageProof: nodes }));
    }
    case 'proof-byte-flipped': {
      const nodes = data.storageProof.map((n) => n.slice());
      const last = nodes[nodes.length - 1]!;
      last[last.length - 1]! ^= 0x01;
      return validationParams.enc(withData({ ...data, storageProof: nodes }));
    }
    case 'relay-parent-root-changed': {
      const root = params.relayParentStorageRoot.slice();
      root[0]! ^= 0x01;
      return validationParams.enc({ ...params, relayParentStorageRoot: root });
    }
    case 'relay-parent-number-changed':
      return validationParams.enc({ ...params, relayParentNumber: params.relayParentNumber + 1 });
    case 'transfer-signature-resealed': {
      const signed = data.extrinsics.findIndex((x) => x[0] === 0x84);
      if (signed < 0) throw new RangeError('the block has no signed extrinsic to break');
      const extrinsics = data.extrinsics.map((x) => x.slice());
      extrinsics[signed]![SIGNATURE_OFFSET]! ^= 0x01;
      const header = reseal({ ...data.header, extrinsicsRoot: extrinsicsRoot(extrinsics) }, block);
      return validationParams.enc(withData({ ...data, header, extrinsics }));
    }
  }
}

/**
 * The payload of the panic `validate_block` must end in for each kind, as the runtime words it
 * (Asset Hub v1000000's crates; cited by crate and file):
 * cumulus-pallet-aura-ext `lib.rs` (seal), frame-executive `lib.rs` (state root, bad
 * signature: `TransactionValidityError::Invalid(BadProof)`'s text), cumulus-pallet-parachain-system
 * `validate_block/implementation.rs` (proof decoding, `validate_validation_data`'s assertions
 * with the params' value left and the inherent's right).
 */
export function expectedPanic(
  kind: NegativeKind,
  block: BuiltBlock,
  style: AssertionStyle,
): string {
  const root = `0x${Buffer.from(block.relayParentStorageRoot).toString('hex')}`;
  const flipped = block.relayParentStorageRoot.slice();
  flipped[0]! ^= 0x01;
  const assertion = (what: string, left: string, right: string) =>
    style === 'current'
      ? `assertion \`left == right\` failed: ${what} doesn't match\n  left: ${left}\n right: ${right}`
      : `assertion failed: \`(left == right)\`\n  left: \`${left}\`,\n right: \`${right}\`: ${what} doesn't match`;
  switch (kind) {
    case 'seal-bit-flipped':
      return 'Invalid AuRa seal';
    case 'state-root-resealed':
      return 'Storage root must match that calculated.';
    case 'proof-node-dropped':
    case 'proof-byte-flipped':
      return 'Compact proof decoding failure.';
    case 'relay-parent-root-changed':
      return assertion(
        'Relay parent storage root',
        `0x${Buffer.from(flipped).toString('hex')}`,
        root,
      );
    case 'relay-parent-number-changed':
      return assertion(
        'Relay parent number',
        String(block.relayParentNumber + 1),
        String(block.relayParentNumber),
      );
    case 'transfer-signature-resealed':
      return 'Transaction has a bad signature';
  }
}

/** The header with its seal replaced by the block author's seal over the changed header. */
function reseal(h: Header, block: BuiltBlock): Header {
  const digest = h.digest.slice(0, -1);
  const unsealed: Header = { ...h, digest };
  const signature = block.author.sign(blake2_256(headerCodec.enc(unsealed)));
  const engine = new TextEncoder().encode('aura');
  return { ...unsealed, digest: [...digest, { tag: 'Seal', value: [engine, signature] }] };
}
