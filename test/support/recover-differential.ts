// The secp256k1 recovery differential shared by test/runtime/host/ecdsa-fast.test.ts (bounded)
// and bench/crypto.ts (full count): each case under both versions' rules (version 1 reduces r
// and s modulo n, version 2 refuses them), answered by the reference (ecdsa.ts, the oracle) and
// by each libsecp256k1 build called directly — so a build that traps, or one the dispatcher
// would not pick, is still compared — as the key's hex, "fail" or "bad-rs".
import { parseRS, recover } from '../../runtime/host/ecdsa.js';
import { compactRS } from '../../runtime/host/ecdsa-fast.js';
import { secp256k1RecoverNative } from '../../runtime/host/secp256k1-native.js';
import { secp256k1Recover } from '../../runtime/host/secp256k1-wasm.js';
import type { RecoverCase } from './recover-cases.js';

export type FastBuild = 'native' | 'wasm';

const BUILDS: Record<FastBuild, typeof secp256k1Recover> = {
  native: secp256k1RecoverNative,
  wasm: secp256k1Recover,
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The reference's answer; `memo` shares one recovery between versions that read r, s alike. */
function oracle(c: RecoverCase, overflowing: boolean, memo: Map<string, string>): string[] {
  const rs = parseRS(c.sig.subarray(0, 64), overflowing);
  if (rs === 'bad-rs') return ['bad-rs', 'bad-rs'];
  const key = `${rs.r}:${rs.s}:${c.sig[64]}:${hex(c.hash)}`;
  let k = memo.get(key);
  if (k === undefined) {
    const q = recover(rs, c.sig[64]!, c.hash);
    k = q === undefined ? 'fail' : `${hex(q.toBytes(true))}:${hex(q.toBytes(false).subarray(1))}`;
    memo.set(key, k);
  }
  return k === 'fail' ? ['fail', 'fail'] : k.split(':');
}

/** A build's answer, compressed and uncompressed (without 0x04); "trap" if it could not answer. */
function fast(build: FastBuild, c: RecoverCase, overflowing: boolean): string[] {
  const rs = compactRS(c.sig.subarray(0, 64), overflowing);
  if (rs === 'bad-rs') return ['bad-rs', 'bad-rs'];
  const v = c.sig[64]!;
  if (v > 3) return ['fail', 'fail']; // ecdsa-fast.ts recoverKey: ids above 3 never reach a build
  return [true, false].map((compressed) => {
    const k = BUILDS[build](rs, v, c.hash, compressed);
    if (k === undefined) return 'trap';
    if (k === null) return 'fail';
    return hex(compressed ? k : k.subarray(1));
  });
}

export interface RecoverDiff {
  /** Case × version pairs compared. */
  readonly inputs: number;
  /** Of those, how many the reference recovered a key for. */
  readonly recovered: number;
  /** Disagreements per build (each compares both key encodings). */
  readonly disagreements: Record<FastBuild, number>;
  /** The first few disagreements, described. */
  readonly examples: readonly string[];
}

/** Compares `builds` with the reference over `cases`, both versions each. */
export function recoverDifferential(
  cases: Iterable<RecoverCase>,
  builds: readonly FastBuild[],
): RecoverDiff {
  const memo = new Map<string, string>();
  const disagreements = { native: 0, wasm: 0 };
  const examples: string[] = [];
  let inputs = 0;
  let recovered = 0;
  for (const c of cases)
    for (const overflowing of [false, true]) {
      const ref = oracle(c, overflowing, memo);
      inputs++;
      if (ref[0]!.length > 10) recovered++;
      for (const b of builds) {
        const got = fast(b, c, overflowing);
        if (got[0] === ref[0] && got[1] === ref[1]) continue;
        disagreements[b]++;
        if (examples.length < 10)
          examples.push(
            `${b}, ${c.what} (v ${c.sig[64]}, overflowing ${overflowing}): ${got.join('/')} vs reference ${ref.join('/')}`,
          );
      }
      if (memo.size > 100_000) memo.clear();
    }
  return { inputs, recovered, disagreements, examples };
}
