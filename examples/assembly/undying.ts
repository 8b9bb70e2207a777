// A CPU-heavy PVF after Polkadot's undying test parachain (polkadot/parachain/test-parachains/
// undying/src/{lib,wasm_validation}.rs): the work per block is set by the block itself, so one
// PVF serves benchmarks and timeout tests.
//
// State `GraveyardState { index: u64, graveyard: Vec<u8>, zombies: u64, seal: [u8; 32] }`;
// `BlockData { state, tombstones: u64, iterations: u32 }`. Each of `iterations` rounds erects
// `tombstones` tombstones (increments graves cyclically from `index`) and then reseals the
// state: `seal = keccak256(state.encode())`. The new head's `post_state` is the hash of the
// final state. Heads and results follow the adder's conventions.
//
// The state is updated in place inside the parameters: its SCALE encoding is a contiguous
// slice of the block data, and since only canonical encodings decode, hashing that slice is
// hashing `state.encode()`.

import { keccak256 } from './lib/keccak';
import { checkParentHash, checkState, decodeParentHead, newHead } from './lib/head';
import { begin, decimal, panic, raise, text } from './lib/panic';
import { blockData, blockDataLength, loadParams, writeResult } from './lib/params';
import { failed, lastLength, open, position, readBytes, readU32, readU64, take } from './lib/scale';

export { __heap_base, __data_end };

const LOCATION = 'examples/assembly/undying.ts';

const STATE_HASH: usize = memory.data(32, 8);

export function validate_block(params: usize, length: usize): u64 {
  loadParams(params, length);
  decodeParentHead();

  // BlockData::decode (trailing bytes ignored).
  open(blockData, blockDataLength);
  let index = readU64();
  const graveyard = readBytes();
  const graves = lastLength;
  readU64(); // zombies: carried in the state, never changed.
  const seal = take(32);
  const stateLength = position() - blockData;
  const tombstones = readU64();
  const iterations = readU32();
  if (failed) panic('invalid block data format.: Error', LOCATION);

  checkParentHash();
  keccak256(blockData, stateLength, STATE_HASH);
  checkState(STATE_HASH);

  for (let round: u32 = 0; round < iterations; round++) {
    for (let t: u64 = 0; t < tombstones; t++) {
      // Rust's `index as usize` on wasm32 keeps the low 32 bits; `graveyard[i]` is bounds
      // checked, so an empty graveyard with tombstones to erect panics here.
      const grave = <u32>index;
      if (grave >= <u32>graves) outOfBounds(graves, grave);
      store<u8>(graveyard + grave, load<u8>(graveyard + grave) + 1);
      index = <u64>(<u32>(index == u64.MAX_VALUE ? index : index + 1) % <u32>graves);
    }
    store<u64>(blockData, index);
    // "Chain hash the seals and burn CPU": the seal covers the previous seal.
    keccak256(blockData, stateLength, seal);
  }

  keccak256(blockData, stateLength, STATE_HASH);
  return writeResult(newHead(STATE_HASH));
}

/** core's bounds-check panic for `graveyard[index]`. */
function outOfBounds(len: usize, index: u32): void {
  begin();
  text('index out of bounds: the len is ');
  decimal(len);
  text(' but the index is ');
  decimal(index);
  raise(LOCATION);
}
