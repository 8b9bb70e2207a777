// What this machine's CPU offers, read from /proc/cpuinfo: the tests' own view, independent of
// what the code under test detects.
import { readFileSync } from 'node:fs';

function cpuFlags(): string[] {
  try {
    return /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.split(' ') ?? [];
  } catch {
    return [];
  }
}

const FLAGS = new Set(cpuFlags());

/** AVX-512 F, VL and IFMA: where the curve25519 addon's vector code (ifma.h) runs. */
export const CPU_HAS_IFMA = ['avx512f', 'avx512vl', 'avx512ifma'].every((f) => FLAGS.has(f));
