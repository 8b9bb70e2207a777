// Signature, recovery and trie-root costs per call, every candidate side by side in one
// process (rows of the `engine` section), and the full-count differential run of the fast
// paths against the reference implementations (the `crypto` section).
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  ed25519Verify as pjsEd25519,
  sr25519Verify as pjsSr25519,
  waitReady,
} from '@polkadot/wasm-crypto';
import * as sr from '@scure/sr25519';
import { crypto } from '../runtime/host/crypto.js';
import {
  ed25519VerifyFast,
  ed25519VerifyOpenssl,
  sr25519VerifyFast,
  sr25519VerifyWasm,
} from '../runtime/host/fast-verify.js';
import { blake2_256 } from '../runtime/host/hash-functions.js';
import { ed25519Verify, sr25519Verify } from '../runtime/host/signatures.js';
import {
  curve25519Backend,
  curve25519Vector,
  withoutCurve25519Vector,
} from '../runtime/host/curve25519-native.js';
import { orderedTrieRoot, trieRoot } from '../runtime/host/trie-root.js';
import { hostContext } from '../test/support/host-context.js';
import {
  ed25519EdgeCases,
  randomCase,
  Rng,
  sr25519EdgeCases,
  validPool,
  type SigCase,
} from '../test/support/signature-cases.js';
import { row } from './per-call.js';
import { secp256k1DiffRow, secp256k1Rows } from './secp256k1.js';
import type { Row, Section } from './section.js';

/** Through the host function, verify vs the batch path (inside an open batch). */
function hostPair(
  name: string,
  batchName: string,
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
): Row {
  const h = hostContext();
  const args = [h.put(sig), h.fat(msg), h.put(pub)] as const;
  if (h.call(crypto, name, ...args) !== 1) throw new Error(`${name}: not verified`);
  h.call(crypto, 'ext_crypto_start_batch_verify_version_1');
  return row(
    `host fn ${name.replace('ext_crypto_', '')} vs ${batchName.replace('ext_crypto_', '')}`,
    [
      ['one-by-one µs', () => h.call(crypto, name, ...args)],
      ['batch µs', () => h.call(crypto, batchName, ...args)],
    ],
  );
}

/** Per-call rows for the engine section. */
export async function cryptoRows(): Promise<Row[]> {
  await waitReady();
  const msg = new TextEncoder().encode('balances.transfer_keep_alive(dest, 1_000_000_000_000)');
  const secret = sr.secretFromSeed(new Uint8Array(32).fill(1));
  const srPub = sr.getPublicKey(secret);
  const srSig = sr.sign(secret, msg);
  const edSk = new Uint8Array(32).fill(2);
  const edPub = ed25519.getPublicKey(edSk);
  const edSig = ed25519.sign(msg, edSk);
  // ZIP-215 accepts, OpenSSL refuses: the fallback's cost (identity R and key, S = 0).
  const id = new Uint8Array(32);
  id[0] = 1;
  const smallSig = Uint8Array.from([...id, ...new Uint8Array(32)]);
  const hash = blake2_256(msg);
  const rec = secp256k1.sign(hash, new Uint8Array(32).fill(3), {
    prehash: false,
    format: 'recovered',
  });
  const rs = rec.subarray(1);
  const v = rec[0]!;
  const ecSig = Uint8Array.from([...rs, v]);
  const ecPub = secp256k1.getPublicKey(new Uint8Array(32).fill(3), true);
  const values = Array.from({ length: 1000 }, (_, i) => new Uint8Array(40).fill(i & 0xff));
  const pairs = values.map(
    (val, i) => [blake2_256(Uint8Array.of(i & 0xff, i >> 8)), val] as [Uint8Array, Uint8Array],
  );
  return [
    row(
      `sr25519 verify: ${curve25519Backend.kind === 'native' ? 'native (used) / schnorrkel wasm' : 'schnorrkel wasm (used; native addon not built)'} / @scure (reference) / @polkadot/wasm-crypto`,
      [
        ['fast µs', () => sr25519VerifyFast(srSig, msg, srPub)],
        ...(curve25519Backend.kind === 'native'
          ? [['wasm µs', () => sr25519VerifyWasm(srSig, msg, srPub)] as [string, () => unknown]]
          : []),
        ['reference µs', () => sr25519Verify(srSig, msg, srPub)],
        ['alternative µs', () => pjsSr25519(srSig, msg, srPub)],
      ],
    ),
    row(
      `ed25519 verify: ${curve25519Backend.kind === 'native' ? 'native (used) / OpenSSL + ZIP-215 fallback' : 'OpenSSL + ZIP-215 fallback (used; native addon not built)'} / noble ZIP-215 (reference) / @polkadot/wasm-crypto`,
      [
        ['fast µs', () => ed25519VerifyFast(edSig, msg, edPub)],
        ...(curve25519Backend.kind === 'native'
          ? [
              ['OpenSSL µs', () => ed25519VerifyOpenssl(edSig, msg, edPub)] as [
                string,
                () => unknown,
              ],
            ]
          : []),
        ['reference µs', () => ed25519Verify(edSig, msg, edPub)],
        ['alternative µs', () => pjsEd25519(edSig, msg, edPub)],
      ],
    ),
    row(
      `ed25519 verify, small-order (ZIP-215 accepts; ${curve25519Backend.kind === 'native' ? 'native' : 'OpenSSL refuses, the exact check decides'})`,
      [
        ['fast µs', () => ed25519VerifyFast(smallSig, msg, id)],
        ['reference µs', () => ed25519Verify(smallSig, msg, id)],
      ],
    ),
    ...(await secp256k1Rows()),
    hostPair(
      'ext_crypto_sr25519_verify_version_2',
      'ext_crypto_sr25519_batch_verify_version_1',
      srSig,
      msg,
      srPub,
    ),
    hostPair(
      'ext_crypto_ed25519_verify_version_1',
      'ext_crypto_ed25519_batch_verify_version_1',
      edSig,
      msg,
      edPub,
    ),
    hostPair(
      'ext_crypto_ecdsa_verify_version_1',
      'ext_crypto_ecdsa_batch_verify_version_1',
      ecSig,
      msg,
      ecPub,
    ),
    row('trie root, 1,000 entries (blake2-256): ordered_root / root (32-byte keys), V1', [
      ['fast µs', () => orderedTrieRoot(values, 1, blake2_256)],
      ['alternative µs', () => trieRoot(pairs, 1, blake2_256)],
    ]),
  ];
}

type Verify = (s: Uint8Array, m: Uint8Array, p: Uint8Array) => boolean;

function diff(
  cases: Iterable<SigCase>,
  fast: Verify,
  ref: Verify,
): { n: number; accepted: number; bad: number } {
  let n = 0;
  let accepted = 0;
  let bad = 0;
  for (const c of cases) {
    const f = fast(c.sig, c.msg, c.pub);
    const r = ref(c.sig, c.msg, c.pub);
    n++;
    if (r) accepted++;
    if (f !== r) bad++;
  }
  return { n, accepted, bad };
}

function* sigCases(scheme: 'ed25519' | 'sr25519', count: number, seed: number): Generator<SigCase> {
  const rng = new Rng(seed);
  yield* scheme === 'ed25519' ? ed25519EdgeCases(rng) : sr25519EdgeCases(rng);
  const pool = validPool(scheme, rng, 200);
  for (let i = 0; i < count; i++) yield randomCase(pool, rng);
}

const FULL = Number(process.env.PVF_BENCH_DIFF_COUNT ?? 50_000);

export const cryptoDiff: Section = {
  name: 'crypto',
  description: `secp256k1 recovery and ECDSA verification per call (CPU µs, libsecp256k1 native / wasm / the reference side by side, medians of 5 interleaved rounds), then the differential run of the signature fast paths against the reference implementations: every edge class plus ${FULL.toLocaleString('en')} seeded random inputs per scheme (PVF_BENCH_DIFF_COUNT; secp256k1: that many recoveries under each version's rules, both libsecp256k1 builds), the native curve25519 addon against schnorrkel's wasm (sr25519, twice that count) and OpenSSL + ZIP-215 (ed25519), and where the CPU has AVX-512 IFMA the addon's vector code against its serial code (both schemes); disagreements must be 0`,
  async run() {
    // Per-call costs first (each implementation side by side), then the differential runs.
    const rows: Row[] = await secp256k1Rows();
    for (const [scheme, fast, ref] of [
      ['ed25519', ed25519VerifyFast, ed25519Verify],
      ['sr25519', sr25519VerifyFast, sr25519Verify],
    ] as const) {
      const t0 = performance.now();
      const d = diff(sigCases(scheme, FULL, scheme === 'ed25519' ? 11 : 12), fast, ref);
      rows.push({
        case: `${scheme} verify`,
        inputs: d.n,
        accepted: d.accepted,
        disagreements: d.bad,
        seconds: Math.round((performance.now() - t0) / 100) / 10,
      });
    }
    if (curve25519Backend.kind === 'native') {
      // The native addon against schnorrkel's own wasm build, at twice the count (both are fast).
      const t1 = performance.now();
      const d = diff(sigCases('sr25519', 2 * FULL, 14), sr25519VerifyFast, sr25519VerifyWasm);
      rows.push({
        case: 'sr25519 verify, native vs schnorrkel wasm',
        inputs: d.n,
        accepted: d.accepted,
        disagreements: d.bad,
        seconds: Math.round((performance.now() - t1) / 100) / 10,
      });
      // And ed25519 against OpenSSL with the ZIP-215 fallback, on other seeds than the row above.
      const t2 = performance.now();
      const e = diff(sigCases('ed25519', FULL, 15), ed25519VerifyFast, ed25519VerifyOpenssl);
      rows.push({
        case: 'ed25519 verify, native vs OpenSSL + ZIP-215',
        inputs: e.n,
        accepted: e.accepted,
        disagreements: e.bad,
        seconds: Math.round((performance.now() - t2) / 100) / 10,
      });
      // The addon's vector code against libsodium's code alone, on the same inputs.
      if (curve25519Vector !== 'none')
        for (const [scheme, verify, seed] of [
          ['sr25519', sr25519VerifyFast, 16],
          ['ed25519', ed25519VerifyFast, 17],
        ] as const) {
          const serial: Verify = (sig, m, pub) =>
            withoutCurve25519Vector(() => verify(sig, m, pub));
          const t3 = performance.now();
          const v = diff(sigCases(scheme, FULL, seed), verify, serial);
          rows.push({
            case: `${scheme} verify, native ${curve25519Vector} vs native serial`,
            inputs: v.n,
            accepted: v.accepted,
            disagreements: v.bad,
            seconds: Math.round((performance.now() - t3) / 100) / 10,
          });
        }
    }
    rows.push(secp256k1DiffRow(FULL));
    return rows;
  },
};
