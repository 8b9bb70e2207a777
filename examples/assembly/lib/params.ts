// The PVF side of the validation ABI (polkadot/parachain/src/wasm_api.rs and primitives.rs):
// `validate_block(params_ptr, params_len) -> u64` reads SCALE `ValidationParams` and returns
// `ptr | len << 32` of SCALE `ValidationResult`.

import { panic } from './panic';
import { failed, open, readBytes, readU32, lastLength, take } from './scale';

const LOCATION = 'examples/assembly/lib/params.ts';

/** The decoded `ValidationParams`; byte strings point into the caller's input. */
export let parentHead: usize = 0;
export let parentHeadLength: usize = 0;
export let blockData: usize = 0;
export let blockDataLength: usize = 0;
export let relayParentNumber: u32 = 0;

/**
 * Decodes `ValidationParams { parent_head, block_data, relay_parent_number,
 * relay_parent_storage_root }` like wasm_api.rs `load_params`: `Decode::decode`, not
 * `decode_all`, so trailing bytes are ignored; any shortfall panics "Invalid input data".
 */
export function loadParams(ptr: usize, len: usize): void {
  open(ptr, len);
  parentHead = readBytes();
  parentHeadLength = lastLength;
  blockData = readBytes();
  blockDataLength = lastLength;
  relayParentNumber = readU32();
  take(32); // relay_parent_storage_root: unused by these PVFs.
  if (failed) panic('Invalid input data: Error', LOCATION);
}

/** `HeadData` of these PVFs: `{ number: u64, parent_hash: [u8; 32], post_state: [u8; 32] }`. */
export const HEAD_LENGTH: usize = 72;

/** 2-byte compact length, head, then the fixed tail; see `writeResult`. */
const RESULT_LENGTH: usize = 2 + HEAD_LENGTH + 3 + 4 + 4;
const RESULT: usize = memory.data(<i32>RESULT_LENGTH, 8);

/**
 * Encodes `ValidationResult { head_data, new_validation_code: None, upward_messages: [],
 * horizontal_messages: [], processed_downward_messages: 0, hrmp_watermark:
 * relay_parent_number }` with a 72-byte head, as the test parachains return it, and
 * returns it the way wasm_api.rs `write_result` does: `ptr | len << 32`.
 */
export function writeResult(head: usize): u64 {
  store<u8>(RESULT, (HEAD_LENGTH << 2) | 1); // Compact(72), two-byte form: 0x21 0x01.
  store<u8>(RESULT + 1, HEAD_LENGTH >> 6);
  memory.copy(RESULT + 2, head, HEAD_LENGTH);
  let p = RESULT + 2 + HEAD_LENGTH;
  store<u8>(p++, 0); // new_validation_code: None
  store<u8>(p++, 0); // upward_messages: empty
  store<u8>(p++, 0); // horizontal_messages: empty
  store<u32>(p, 0); // processed_downward_messages
  store<u32>(p + 4, relayParentNumber); // hrmp_watermark
  return (<u64>RESULT) | ((<u64>RESULT_LENGTH) << 32);
}
