// Keccak-256 (the original Keccak padding, as Ethereum and Polkadot's test parachains use it):
// rate 136 bytes, capacity 512 bits, domain byte 0x01. Must match tiny-keccak's
// `Keccak::v256()` (used by polkadot/parachain/test-parachains/{adder,undying}/src/lib.rs), so
// the PVFs hash inside the wasm and need no hashing host function.
//
// All state lives in static memory below `__heap_base`: the PVFs never allocate, because the
// host writes the parameters at `__heap_base` and up.

const RATE: usize = 136;

/** The 25 lanes of the Keccak-f[1600] state, lane (x, y) at byte 8 * (x + 5 * y). */
const A: usize = memory.data(200, 8);
/** Scratch lanes for the rho-pi step. */
const B: usize = memory.data(200, 8);
/** The last, padded block of the input. */
const PAD: usize = memory.data(<i32>RATE, 8);

/** Round constants of iota (FIPS 202 §3.2.5). */
/* eslint-disable no-loss-of-precision -- AssemblyScript reads these literals as exact u64s. */
const RC: usize = memory.data<u64>([
  0x0000000000000001, 0x0000000000008082, 0x800000000000808a, 0x8000000080008000,
  0x000000000000808b, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
  0x000000000000008a, 0x0000000000000088, 0x0000000080008009, 0x000000008000000a,
  0x000000008000808b, 0x800000000000008b, 0x8000000000008089, 0x8000000000008003,
  0x8000000000008002, 0x8000000000000080, 0x000000000000800a, 0x800000008000000a,
  0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]);
/* eslint-enable no-loss-of-precision */

/** Rotation offsets of rho for lane (x, y), indexed by x + 5 * y (FIPS 202 §3.2.2). */
const ROT: usize = memory.data<u8>([
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
]);

/** Pi moves lane (x, y) to (y, 2x + 3y mod 5); this is that target index for x + 5 * y. */
const PI: usize = memory.data<u8>([
  0, 10, 20, 5, 15, 16, 1, 11, 21, 6, 7, 17, 2, 12, 22, 23, 8, 18, 3, 13, 14, 24, 9, 19, 4,
]);

function lane(base: usize, i: usize): u64 {
  return load<u64>(base + (i << 3));
}

function setLane(base: usize, i: usize, v: u64): void {
  store<u64>(base + (i << 3), v);
}

/** Keccak-f[1600]: 24 rounds of theta, rho, pi, chi and iota over `A`. */
function permute(): void {
  for (let round: usize = 0; round < 24; round++) {
    // theta: xor every lane with the parities of two neighbouring columns.
    const c0 = lane(A, 0) ^ lane(A, 5) ^ lane(A, 10) ^ lane(A, 15) ^ lane(A, 20);
    const c1 = lane(A, 1) ^ lane(A, 6) ^ lane(A, 11) ^ lane(A, 16) ^ lane(A, 21);
    const c2 = lane(A, 2) ^ lane(A, 7) ^ lane(A, 12) ^ lane(A, 17) ^ lane(A, 22);
    const c3 = lane(A, 3) ^ lane(A, 8) ^ lane(A, 13) ^ lane(A, 18) ^ lane(A, 23);
    const c4 = lane(A, 4) ^ lane(A, 9) ^ lane(A, 14) ^ lane(A, 19) ^ lane(A, 24);
    const d0 = c4 ^ rotl<u64>(c1, 1);
    const d1 = c0 ^ rotl<u64>(c2, 1);
    const d2 = c1 ^ rotl<u64>(c3, 1);
    const d3 = c2 ^ rotl<u64>(c4, 1);
    const d4 = c3 ^ rotl<u64>(c0, 1);
    for (let y: usize = 0; y < 25; y += 5) {
      setLane(A, y, lane(A, y) ^ d0);
      setLane(A, y + 1, lane(A, y + 1) ^ d1);
      setLane(A, y + 2, lane(A, y + 2) ^ d2);
      setLane(A, y + 3, lane(A, y + 3) ^ d3);
      setLane(A, y + 4, lane(A, y + 4) ^ d4);
    }
    // rho and pi: rotate each lane and move it to its new position in B.
    for (let i: usize = 0; i < 25; i++) {
      setLane(B, load<u8>(PI + i), rotl<u64>(lane(A, i), load<u8>(ROT + i)));
    }
    // chi: the only non-linear step, row by row; then iota on lane (0, 0).
    for (let y: usize = 0; y < 25; y += 5) {
      const b0 = lane(B, y);
      const b1 = lane(B, y + 1);
      const b2 = lane(B, y + 2);
      const b3 = lane(B, y + 3);
      const b4 = lane(B, y + 4);
      setLane(A, y, b0 ^ (~b1 & b2));
      setLane(A, y + 1, b1 ^ (~b2 & b3));
      setLane(A, y + 2, b2 ^ (~b3 & b4));
      setLane(A, y + 3, b3 ^ (~b4 & b0));
      setLane(A, y + 4, b4 ^ (~b0 & b1));
    }
    setLane(A, 0, lane(A, 0) ^ lane(RC, round));
  }
}

/** Xors one 136-byte block into the first 17 lanes and permutes. */
function absorb(block: usize): void {
  for (let i: usize = 0; i < RATE >> 3; i++) {
    setLane(A, i, lane(A, i) ^ load<u64>(block + (i << 3)));
  }
  permute();
}

/**
 * Writes keccak256(`input[0, len)`) to `out[0, 32)`. `out` may overlap the input: it is
 * written only after the whole input has been absorbed.
 */
export function keccak256(input: usize, len: usize, out: usize): void {
  for (let i: usize = 0; i < 25; i++) setLane(A, i, 0);
  let p = input;
  let left = len;
  while (left >= RATE) {
    absorb(p);
    p += RATE;
    left -= RATE;
  }
  // Final block: the remaining bytes, then pad10*1 with Keccak's domain bit (0x01 ... 0x80).
  for (let i: usize = 0; i < RATE; i++) store<u8>(PAD + i, i < left ? load<u8>(p + i) : 0);
  store<u8>(PAD + left, load<u8>(PAD + left) | 0x01);
  store<u8>(PAD + RATE - 1, load<u8>(PAD + RATE - 1) | 0x80);
  absorb(PAD);
  for (let i: usize = 0; i < 4; i++) store<u64>(out + (i << 3), lane(A, i));
}
