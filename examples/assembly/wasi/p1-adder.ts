// The adder test parachain as a `wasi-p1` PVF (ABI 1, see runtime/wasi/preview1/pvf.ts): the
// same state machine and SCALE code as examples/assembly/adder.ts, compiled with
// ./p1-stderr-log.ts in place of examples/assembly/lib/env.ts, so a panic writes its message to
// stderr and calls proc_exit(1) instead of calling sp-io's logger. For the same params it
// returns the same ValidationResult bytes as the Substrate-ABI adder and Polkadot's blob.

import { validate_block as validateAdder } from '../adder';

/** ABI 1: where the host writes `len` bytes of params (the stub runtime's bump heap). */
export function pvf_alloc(len: usize): usize {
  return heap.alloc(len);
}

/** ABI 1: SCALE `ValidationParams` in, `ptr | len << 32` of SCALE `ValidationResult` out. */
export function validate_block(params: usize, length: usize): u64 {
  return validateAdder(params, length);
}
