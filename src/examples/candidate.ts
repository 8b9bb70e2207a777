// What a block producer (the collator side) hands to a validator: SCALE `ValidationParams` for
// one of the example PVFs, and the outcome it must get. Shared by both example chains.
import { keccak_256 } from '@noble/hashes/sha3.js';
import { Bytes, type CodecType, Struct, u32, u64 } from 'scale-ts';
import { validationParams, validationResult } from '../../runtime/codec/validation.js';

/**
 * `HeadData` of Polkadot's adder and undying test parachains
 * (polkadot/parachain/test-parachains/adder/src/lib.rs): 72 bytes of SCALE.
 */
export const headData = Struct({ number: u64, parentHash: Bytes(32), postState: Bytes(32) });
export type HeadData = CodecType<typeof headData>;

/** The outcome a candidate must get from `validate_block`. */
export type ExpectedOutcome =
  /**
   * `result`: the exact SCALE `ValidationResult` bytes the PVF must return; `head`: the
   * decoded head, for the test parachains (a Cumulus head is a header, inside `result`).
   */
  | { readonly kind: 'valid'; readonly result: Uint8Array; readonly head?: HeadData }
  /** `panic`: the payload of the PVF's panic message (see {@link panicPayload}). */
  | { readonly kind: 'invalid'; readonly panic: string };

export interface Candidate {
  /** Which block this is, for reports: `#12`, or `#12 state-mismatch` for a deliberate one. */
  readonly label: string;
  /** SCALE `ValidationParams`, exactly as a validator passes them to `validate_block`. */
  readonly params: Uint8Array;
  readonly expected: ExpectedOutcome;
}

/** The deliberately invalid blocks a producer can build on its current head. */
export const INVALID_BLOCK_KINDS = [
  /** Block data that starts from a state other than the one the parent head commits to. */
  'state-mismatch',
  /** The right block on a sibling parent head (a fork) whose post-state differs. */
  'wrong-parent-head',
  /** A parent head one byte short of `HeadData`. */
  'malformed-parent-head',
  /** A parent head with a byte past its 72: it decodes, but its hash is not the head's hash. */
  'padded-parent-head',
  /** Block data one byte short. */
  'truncated-block-data',
  /** `ValidationParams` cut off inside the relay-parent storage root. */
  'truncated-params',
] as const;
export type InvalidBlockKind = (typeof INVALID_BLOCK_KINDS)[number];

/** What one example chain supplies so that {@link invalidCandidate} can build every kind. */
export interface InvalidBlockParts {
  /** The current head and a valid block on it. */
  readonly head: Uint8Array;
  readonly block: Uint8Array;
  /** A block that decodes but starts from another state. */
  readonly mismatchedBlock: Uint8Array;
  /** A well-formed head at the same height committing to another state. */
  readonly siblingHead: Uint8Array;
  readonly relayParentNumber: number;
}

// The panic payloads of the reference test parachains (their `.expect(...)` texts, with
// parity-scale-codec's `Error` as the no_std Debug of a decode failure).
const STATE_MISMATCH = 'Executes block: StateMismatch';
const BAD_PARAMS = 'Invalid input data: Error';
const BAD_HEAD = 'invalid parent head format.: Error';
const BAD_BLOCK = 'invalid block data format.: Error';

/** Builds a deliberately invalid candidate and the panic it must end in. */
export function invalidCandidate(
  kind: InvalidBlockKind,
  parts: InvalidBlockParts,
  label: string,
): Candidate {
  const { head, block, relayParentNumber: n } = parts;
  const made = (params: Uint8Array, panic: string): Candidate => ({
    label: `${label} ${kind}`,
    params,
    expected: { kind: 'invalid', panic },
  });
  switch (kind) {
    case 'state-mismatch':
      return made(encodeParams(head, parts.mismatchedBlock, n), STATE_MISMATCH);
    case 'wrong-parent-head':
      return made(encodeParams(parts.siblingHead, block, n), STATE_MISMATCH);
    case 'malformed-parent-head':
      return made(encodeParams(head.subarray(0, head.length - 1), block, n), BAD_HEAD);
    case 'padded-parent-head': {
      const padded = new Uint8Array([...head, 0]);
      return made(encodeParams(padded, block, n), assertEqPanic(padded, head));
    }
    case 'truncated-block-data':
      return made(encodeParams(head, block.subarray(0, block.length - 1), n), BAD_BLOCK);
    case 'truncated-params': {
      const params = encodeParams(head, block, n);
      return made(params.subarray(0, params.length - 1), BAD_PARAMS);
    }
  }
}

/**
 * The reference's `assert_eq!(parent_hash, parent_head.hash())` failure: keccak256 of the
 * parent head's bytes against that of its re-encoded 72-byte prefix, in core's Debug format.
 */
function assertEqPanic(parentHead: Uint8Array, head: Uint8Array): string {
  const debug = (b: Uint8Array) => `[${[...b].join(', ')}]`;
  return (
    'assertion failed: `(left == right)`\n' +
    `  left: \`${debug(keccak_256(parentHead))}\`,\n right: \`${debug(keccak_256(head))}\``
  );
}

/** `ValidationParams` for a block; the storage root is a stand-in derived from the number. */
export function encodeParams(
  parentHead: Uint8Array,
  blockData: Uint8Array,
  relayParentNumber: number,
): Uint8Array {
  return validationParams.enc({
    parentHead,
    blockData,
    relayParentNumber,
    relayParentStorageRoot: keccak_256(u32.enc(relayParentNumber)),
  });
}

/** The result the test parachains return: the new head, no messages, watermark = relay parent. */
export function validResult(head: HeadData, relayParentNumber: number): Uint8Array {
  return validationResult.enc({
    headData: headData.enc(head),
    newValidationCode: undefined,
    upwardMessages: [],
    horizontalMessages: [],
    processedDownwardMessages: 0,
    hrmpWatermark: relayParentNumber,
  });
}

/**
 * The payload of a Rust panic message as sp-io's panic handler logs it, in either std format:
 * `panicked at '<payload>', <file>:<line>:<col>` (Rust < 1.73, the reference adder blob) or
 * `panicked at <file>:<line>:<col>:\n<payload>`. Returns the message itself when neither fits.
 */
export function panicPayload(message: string): string {
  const old = /^panicked at '([\s\S]*)', [^']*$/.exec(message);
  if (old) return old[1]!;
  const current = /^panicked at [^\n]*:\d+:\d+:\n([\s\S]*)$/.exec(message);
  return current ? current[1]! : message;
}
