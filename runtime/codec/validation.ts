// The PVF wire format (polkadot/parachain/src/primitives.rs). Must match the reference's SCALE
// layouts byte for byte: a validator that decodes differently disagrees on consensus.
import { Bytes, type CodecType, Struct, u32 } from 'scale-ts';
import { BoundedVec, bytes, decodeAll, decodePrefix, Option } from './strict.js';

/** `MAX_UPWARD_MESSAGE_NUM` and `MAX_HORIZONTAL_MESSAGE_NUM` (polkadot primitives): 16 * 1024. */
export const MAX_MESSAGE_NUM = 16 * 1024;

/** `ValidationParams { parent_head, block_data, relay_parent_number, relay_parent_storage_root }` */
export const validationParams = Struct({
  parentHead: bytes,
  blockData: bytes,
  relayParentNumber: u32,
  relayParentStorageRoot: Bytes(32),
});
export type ValidationParams = CodecType<typeof validationParams>;

/** `OutboundHrmpMessage<ParaId> { recipient: u32, data: Vec<u8> }` */
export const outboundHrmpMessage = Struct({ recipient: u32, data: bytes });
export type OutboundHrmpMessage = CodecType<typeof outboundHrmpMessage>;

/** `ValidationResult`, with the reference's `BoundedVec` limits on both message lists. */
export const validationResult = Struct({
  headData: bytes,
  newValidationCode: Option(bytes),
  upwardMessages: BoundedVec(bytes, MAX_MESSAGE_NUM),
  horizontalMessages: BoundedVec(outboundHrmpMessage, MAX_MESSAGE_NUM),
  processedDownwardMessages: u32,
  hrmpWatermark: u32,
});
export type ValidationResult = CodecType<typeof validationResult>;

/** Decodes SCALE `ValidationParams`, refusing trailing bytes; throws `CodecError`. */
export const decodeValidationParams = (input: Uint8Array): ValidationParams =>
  decodeAll(validationParams, input);

/**
 * Decodes a guest's SCALE `ValidationResult` as the reference's execute worker does:
 * `ValidationResult::decode(&mut &descriptor_bytes[..])` (polkadot/node/core/pvf/execute-worker/
 * src/lib.rs:270–277 @019bd5f3, in `validate_using_artifact`), which ignores bytes after the
 * value — a result with trailing bytes is valid there, so it must be here. Returns the value and the length of its
 * encoding; throws `CodecError` for input that is malformed or ends early.
 */
export const decodeValidationResultPrefix = (input: Uint8Array) =>
  decodePrefix(validationResult, input);

/**
 * Decodes exactly one SCALE `ValidationResult`, refusing trailing bytes; throws `CodecError`.
 * For bytes that are already one value (the engine's trimmed `result`) and for the WASI ABIs,
 * which are this project's own; a Substrate PVF's output goes through
 * {@link decodeValidationResultPrefix}.
 */
export const decodeValidationResult = (input: Uint8Array): ValidationResult =>
  decodeAll(validationResult, input);
