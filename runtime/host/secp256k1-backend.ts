// Which implementation serves secp256k1 recovery in this process, decided once on first use:
// libsecp256k1 native (secp256k1-native.ts), else libsecp256k1's wasm build (secp256k1-wasm.ts),
// else none (every call goes to the reference, ecdsa.ts, which always stays the oracle). A
// candidate serves only if it loads and recovers a known key from a known signature. Whichever
// serves, a call it cannot answer (a trap, a misuse status) is handed to the reference by the
// caller (ecdsa-fast.ts), so the choice changes speed, never a verdict.
//
// Operators see the choice as the `secp256k1` field of each `worker-sealed` log line (the
// worker reports it in its handshake).
import { loadSecp256k1Native, secp256k1RecoverNative } from './secp256k1-native.js';
import { loadSecp256k1Wasm, secp256k1Recover } from './secp256k1-wasm.js';

export type Secp256k1BackendName = 'native' | 'wasm' | 'oracle';
export const SECP256K1_BACKENDS: readonly Secp256k1BackendName[] = ['native', 'wasm', 'oracle'];

export interface Secp256k1Backend {
  readonly name: Secp256k1BackendName;
  /** The library serving, or why the faster ones do not (one line each). */
  readonly detail: string;
}

type Recover = (
  rs: Uint8Array,
  recid: number,
  hash32: Uint8Array,
  compressed: boolean,
) => Uint8Array | null | undefined;

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
// A recovery with id 0 and its known compressed key (also crypto-warmup.ts's vector).
const KNOWN_RS = hex(
  '7505f2880114da51b3f5d535f8687953c0ab9af4ab81e592eaebebf53b728d2b6dfd9b5bcd70fee412b1f31360e7c2774009305cb84fc50c1d0ff8034dfa5fff',
);
const KNOWN_HASH = hex('a30b64ce1eedf409c8afb801d72c05234e64849ea538c15dd3c8cf4ffcf166c9');
const KNOWN_KEY = hex('028d13da15a02f3a70677339d51b14177ee9b49657662b35e56a9d9dee17db1d30');

const candidates: readonly [Exclude<Secp256k1BackendName, 'oracle'>, () => string, Recover][] = [
  ['native', loadSecp256k1Native, secp256k1RecoverNative],
  [
    'wasm',
    () => {
      loadSecp256k1Wasm();
      return 'libsecp256k1 wasm (tiny-secp256k1)';
    },
    secp256k1Recover,
  ],
];

let chosen: { backend: Secp256k1Backend; recover: Recover | undefined } | undefined;

function choose(allowed: readonly Secp256k1BackendName[]): NonNullable<typeof chosen> {
  const refused: string[] = [];
  for (const [name, load, recover] of candidates) {
    if (!allowed.includes(name)) continue;
    try {
      const detail = load();
      const key = recover(KNOWN_RS, 0, KNOWN_HASH, true);
      if (key instanceof Uint8Array && Buffer.compare(key, KNOWN_KEY) === 0)
        return { backend: { name, detail: [detail, ...refused].join('; ') }, recover };
      refused.push(`${name}: wrong key on the known vector`);
    } catch (e) {
      refused.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { backend: { name: 'oracle', detail: refused.join('; ') }, recover: undefined };
}

/** The implementation serving recovery in this process (decided on the first call). */
export function secp256k1Backend(): Secp256k1Backend {
  chosen ??= choose(SECP256K1_BACKENDS);
  return chosen.backend;
}

/**
 * Serves recovery from `name` alone from now on, or from the first of the fast paths that
 * loads if `name` is undefined (tests and the bench compare the host functions on each).
 * Returns what now serves: 'oracle' if `name` could not load.
 */
export function useSecp256k1Backend(name?: Secp256k1BackendName): Secp256k1Backend {
  chosen = choose(name === undefined ? SECP256K1_BACKENDS : [name]);
  return chosen.backend;
}

/**
 * Recovery on the chosen fast path: the key, null if libsecp256k1 refuses, undefined when no
 * fast path serves or it could not answer this call (the caller asks the reference).
 */
export function secp256k1RecoverFast(
  rs: Uint8Array,
  recid: number,
  hash32: Uint8Array,
  compressed: boolean,
): Uint8Array | null | undefined {
  chosen ??= choose(SECP256K1_BACKENDS);
  return chosen.recover?.(rs, recid, hash32, compressed);
}
