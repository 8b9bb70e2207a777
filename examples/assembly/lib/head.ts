// `HeadData` of the test parachains (polkadot/parachain/test-parachains/{adder,undying}/src/
// lib.rs): `{ number: u64, parent_hash: [u8; 32], post_state: [u8; 32] }`, 72 bytes of SCALE,
// hashed with keccak256. The checks run in the reference's order, each with its panic message.

import { keccak256 } from './keccak';
import { begin, byteArray, panic, raise, text } from './panic';
import { HEAD_LENGTH, parentHead, parentHeadLength } from './params';

const LOCATION = 'examples/assembly/lib/head.ts';

const PARENT_HASH: usize = memory.data(32, 8);
const ENCODED_HASH: usize = memory.data(32, 8);
const NEW_HEAD: usize = memory.data(<i32>HEAD_LENGTH, 8);

/** `HeadData::decode(&mut &parent_head[..]).expect("invalid parent head format.")`. */
export function decodeParentHead(): void {
  if (parentHeadLength < HEAD_LENGTH) panic('invalid parent head format.: Error', LOCATION);
}

/**
 * `parent_hash = keccak256(parent_head)` over all of the parent head's bytes, then the
 * reference's `assert_eq!(parent_hash, parent_head.hash())`, which re-encodes the decoded head:
 * the two differ exactly when the parent head carries bytes past its 72.
 */
export function checkParentHash(): void {
  keccak256(parentHead, parentHeadLength, PARENT_HASH);
  if (parentHeadLength == HEAD_LENGTH) return; // the re-encoding is the same 72 bytes.
  keccak256(parentHead, HEAD_LENGTH, ENCODED_HASH);
  if (equal32(PARENT_HASH, ENCODED_HASH)) return;
  // core's assert_eq! message, as the reference's panic handler prints it.
  begin();
  text('assertion failed: `(left == right)`\n  left: `');
  byteArray(PARENT_HASH, 32);
  text('`,\n right: `');
  byteArray(ENCODED_HASH, 32);
  text('`');
  raise(LOCATION);
}

/** `hash_state(state) != parent_head.post_state` is `Err(StateMismatch)`, which the
 * reference's `.expect("Executes block")` turns into this panic. */
export function checkState(stateHash: usize): void {
  if (!equal32(stateHash, parentHead + 40)) panic('Executes block: StateMismatch', LOCATION);
}

/**
 * Builds `HeadData { number: parent.number + 1, parent_hash, post_state }` and returns its
 * address. The increment wraps like the reference's release build (no overflow checks), as
 * the reference blob does for `u64::MAX`.
 */
export function newHead(postState: usize): usize {
  store<u64>(NEW_HEAD, load<u64>(parentHead) + 1);
  memory.copy(NEW_HEAD + 8, PARENT_HASH, 32);
  memory.copy(NEW_HEAD + 40, postState, 32);
  return NEW_HEAD;
}

function equal32(a: usize, b: usize): bool {
  for (let i: usize = 0; i < 32; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  return true;
}
