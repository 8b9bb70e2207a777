// The adder test parachain (polkadot/parachain/test-parachains/adder/src/{lib,
// wasm_validation}.rs) in AssemblyScript. For the same `ValidationParams` it must return the
// same `ValidationResult` bytes as the reference blob, and trap where that blob panics.
//
// State: one u64. `BlockData { state: u64, add: u64 }` names the state it starts from (its
// keccak256 must be the parent head's `post_state`) and an amount to add, wrapping.

import { keccak256 } from './lib/keccak';
import { checkParentHash, checkState, decodeParentHead, newHead } from './lib/head';
import { panic } from './lib/panic';
import { blockData, blockDataLength, loadParams, writeResult } from './lib/params';

export { __heap_base, __data_end };

const STATE_BYTES: usize = memory.data(8, 8);
const STATE_HASH: usize = memory.data(32, 8);
const POST_STATE: usize = memory.data(32, 8);

/** `hash_state(state) = keccak256(state.encode())`: the hash of the state's 8 LE bytes. */
function hashState(state: u64, out: usize): void {
  store<u64>(STATE_BYTES, state);
  keccak256(STATE_BYTES, 8, out);
}

export function validate_block(params: usize, length: usize): u64 {
  loadParams(params, length);
  decodeParentHead();
  // BlockData::decode (trailing bytes ignored, as in the reference).
  if (blockDataLength < 16)
    panic('invalid block data format.: Error', 'examples/assembly/adder.ts');
  const state = load<u64>(blockData);
  const add = load<u64>(blockData + 8);
  checkParentHash();
  hashState(state, STATE_HASH);
  checkState(STATE_HASH);
  hashState(state + add, POST_STATE);
  return writeResult(newHead(POST_STATE));
}
