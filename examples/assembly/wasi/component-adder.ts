// The adder test parachain as a `component` PVF (ABI 2, world `pvf` in examples/wit/pvf.wit).
// The state machine and SCALE code are the shared ones of examples/assembly/lib; this file is
// the canonical-ABI surface. Where the Substrate adder panics with `StateMismatch`, this one
// returns `err("Executes block: StateMismatch")`; other malformed input still panics (through
// ./component-stderr-log.ts, then a trap). The build renames `validate_block_export` to the world's
// `validate-block`, a name AssemblyScript cannot spell.

import { keccak256 } from '../lib/keccak';
import { checkParentHash, decodeParentHead, newHead } from '../lib/head';
import { panic } from '../lib/panic';
import { blockData, blockDataLength, loadParams, parentHead, writeResult } from '../lib/params';

const STATE_BYTES: usize = memory.data(8, 8);
const STATE_HASH: usize = memory.data(32, 8);
const POST_STATE: usize = memory.data(32, 8);

/** `result<list<u8>, string>` in memory: tag u8 @0, then (ptr u32 @4, len u32 @8). */
const RESULT_AREA: usize = memory.data(12, 4);

/** "Executes block: StateMismatch" as UTF-8. */
const MISMATCH: usize = memory.data<u8>([
  0x45, 0x78, 0x65, 0x63, 0x75, 0x74, 0x65, 0x73, 0x20, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x3a, 0x20,
  0x53, 0x74, 0x61, 0x74, 0x65, 0x4d, 0x69, 0x73, 0x6d, 0x61, 0x74, 0x63, 0x68,
]);
const MISMATCH_LENGTH: u32 = 29;

function hashState(state: u64, out: usize): void {
  store<u64>(STATE_BYTES, state);
  keccak256(STATE_BYTES, 8, out);
}

function equal32(a: usize, b: usize): bool {
  for (let i: usize = 0; i < 32; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  return true;
}

/** Canonical ABI allocator: the host copies the params list here (never freed: one call). */
export function cabi_realloc(old: usize, oldSize: usize, _align: usize, newSize: usize): usize {
  const p = heap.alloc(newSize); // the stub runtime aligns every block to 16 bytes
  if (old != 0) memory.copy(p, old, oldSize < newSize ? oldSize : newSize);
  return p;
}

/** `validate-block: func(params: list<u8>) -> result<list<u8>, string>`. */
export function validate_block_export(params: usize, length: usize): usize {
  loadParams(params, length);
  decodeParentHead();
  if (blockDataLength < 16)
    panic('invalid block data format.: Error', 'examples/assembly/wasi/component-adder.ts');
  const state = load<u64>(blockData);
  const add = load<u64>(blockData + 8);
  checkParentHash();
  hashState(state, STATE_HASH);
  if (!equal32(STATE_HASH, parentHead + 40)) {
    store<u8>(RESULT_AREA, 1);
    store<u32>(RESULT_AREA + 4, <u32>MISMATCH);
    store<u32>(RESULT_AREA + 8, MISMATCH_LENGTH);
    return RESULT_AREA;
  }
  hashState(state + add, POST_STATE);
  const packed = writeResult(newHead(POST_STATE));
  store<u8>(RESULT_AREA, 0);
  store<u32>(RESULT_AREA + 4, <u32>packed);
  store<u32>(RESULT_AREA + 8, <u32>(packed >> 32));
  return RESULT_AREA;
}
