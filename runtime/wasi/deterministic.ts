// The only sources of time and randomness a WASI PVF ever sees. Validators must agree on a
// candidate, so nothing a guest can read may differ between two validators or two runs: the
// clocks are constants and the random stream is a function of the validation params alone.
// Both WASI hosts (preview1 and the WASI 0.2 component host) read from here, so the same
// params give the same bytes whichever ABI the PVF uses.
import { blake2b } from '@noble/hashes/blake2.js';
import { shake256 } from '@noble/hashes/sha3.js';

/**
 * Wall-clock time every WASI clock reports, in nanoseconds since the Unix epoch: 0, i.e.
 * 1970-01-01T00:00:00Z. Deliberately not a plausible date, so a PVF cannot mistake it for
 * the real time.
 */
export const FIXED_REALTIME_NS = 0n;
/** Monotonic, process and thread CPU clocks: always 0 ns (time never advances). */
export const FIXED_MONOTONIC_NS = 0n;
/** Resolution every clock reports: 1 ns. */
export const CLOCK_RESOLUTION_NS = 1n;

/** Domain separation for the random stream, so it never equals another use of SHAKE256. */
const RANDOM_DOMAIN = new TextEncoder().encode('pvf-runtime/wasi-random/v1');

/**
 * The deterministic random stream of one validation:
 * `SHAKE256("pvf-runtime/wasi-random/v1" ‖ BLAKE2b-256(params))`, read front to back across
 * every random call of the execution (`random_get`, `get-random-bytes`, `get-random-u64`,
 * the insecure variants). Seeding hashes the params (about 27 ms per MiB), so it happens at
 * the first read: a PVF that never asks for randomness pays nothing.
 */
export class DeterministicRandom {
  #xof: ReturnType<typeof shake256.create> | undefined;
  constructor(private readonly params: Uint8Array) {}

  /** The next `n` bytes of the stream. */
  next(n: number): Uint8Array {
    if (this.#xof === undefined) {
      this.#xof = shake256.create({});
      this.#xof.update(RANDOM_DOMAIN).update(blake2b(this.params, { dkLen: 32 }));
    }
    return n === 0 ? new Uint8Array(0) : this.#xof.xof(n);
  }

  /** The next 8 bytes of the stream as a little-endian u64. */
  nextU64(): bigint {
    const b = this.next(8);
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }
}

/**
 * The pair WASI 0.2's `wasi:random/insecure-seed` returns: `[0, 0]`. The interface only
 * promises a per-instance constant, and a fixed one is the simplest deterministic choice.
 */
export const INSECURE_SEED: readonly [bigint, bigint] = [0n, 0n];
