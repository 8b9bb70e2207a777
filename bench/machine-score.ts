// How fast this machine is at the moment, on the gauge Polkadot's weights are set against:
// `benchmark machine`'s CPU score, BLAKE2-256 over a 32 KiB buffer (sc-sysinfo `benchmark_cpu`,
// substrate/client/sysinfo/src/sysinfo.rs), which a node checks at start against the reference
// hardware's requirements. The weights a block declares were benchmarked on reference hardware,
// which scores 1,023 MiB/s (frame-benchmarking-cli's machine README, "The output on reference
// hardware"). The bench prints the score beside the times it takes, so that a run on a machine
// slower than that reads as such.
//
// The machines measured here are shared: their score moved between 600 and 900 MiB/s (OpenSSL)
// from one second to the next, idle, so the score is taken around each measurement, not once.
//
// sc-sysinfo hashes with sp_crypto_hashing's blake2b_simd (AVX2 where the CPU has it). Here:
// libsodium's BLAKE2b, which picks an AVX2 compression at run time too, when the system has
// libsodium (through koffi), and OpenSSL's (node:crypto) always; the higher of the two counts
// (on this machine libsodium scored about 10 % above OpenSSL).
import { createHash } from 'node:crypto';
import koffi from 'koffi';

/** The reference hardware's BLAKE2-256 score, MiB/s. */
export const REFERENCE_BLAKE2_MIBS = 1023;

const SIZE = 32 * 1024;
/** sc-sysinfo's DEFAULT_CPU_EXECUTION_LIMIT: at most 100 ms (or 4,096 hashes) per score. */
const WINDOW_MS = 100;
const MAX_ITERATIONS = 4096;

type Hasher = (data: Uint8Array) => void;

function libsodium(): Hasher | undefined {
  try {
    const lib = koffi.load('libsodium.so.23');
    if ((lib.func('int sodium_init()') as () => number)() < 0) return undefined;
    const hash = lib.func(
      'int crypto_generichash(_Out_ uint8_t *out, size_t outlen, const uint8_t *in, uint64_t inlen, const uint8_t *key, size_t keylen)',
    ) as (o: Uint8Array, ol: number, i: Uint8Array, il: number, k: null, kl: number) => number;
    const out = new Uint8Array(32);
    return (data) => void hash(out, 32, data, data.length, null, 0);
  } catch {
    return undefined;
  }
}

const openssl: Hasher = (data) => void createHash('blake2b512').update(data).digest();

let hashers: { name: string; hash: Hasher }[] | undefined;

/** libsodium's BLAKE2b where the system has it, then OpenSSL's; looked up once. */
function machineHashers(): { name: string; hash: Hasher }[] {
  if (hashers === undefined) {
    const sodium = libsodium();
    hashers = sodium === undefined ? [] : [{ name: 'libsodium', hash: sodium }];
    hashers.push({ name: 'OpenSSL', hash: openssl });
  }
  return hashers;
}

/** The BLAKE2b implementations measured, for the bench's machine row. */
export function scoreSources(): string {
  return machineHashers()
    .map((h) => h.name)
    .join(' and ');
}

/** sc-sysinfo's `benchmark`: one warm-up, then hashes until the window ends; MiB/s. */
function scoreOf(hash: Hasher, buffer: Uint8Array): number {
  hash(buffer);
  const t0 = performance.now();
  let count = 0;
  let elapsed = 0;
  while (count < MAX_ITERATIONS) {
    hash(buffer);
    count++;
    elapsed = performance.now() - t0;
    if (elapsed >= WINDOW_MS) break;
  }
  return (SIZE * count) / (1024 * 1024) / (elapsed / 1000);
}

/** This machine's BLAKE2-256 score now, MiB/s: the highest of the implementations'. */
export function blake2Score(): number {
  const buffer = new Uint8Array(SIZE).fill(0x66);
  return Math.max(...machineHashers().map((h) => scoreOf(h.hash, buffer)));
}
