// secp256k1 recovery and ECDSA verification per call, every implementation side by side in one
// process (libsecp256k1 native, libsecp256k1 wasm, the @noble/curves reference, and
// @polkadot/wasm-crypto for comparison), and the full-count differential of both libsecp256k1
// builds against the reference. Rows of `npm run bench -- crypto` (and of the engine section).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { secp256k1Recover as pjsRecover, waitReady } from '@polkadot/wasm-crypto';
import { crypto } from '../runtime/host/crypto.js';
import { parseRS, recover } from '../runtime/host/ecdsa.js';
import { compactRS } from '../runtime/host/ecdsa-fast.js';
import { blake2_256 } from '../runtime/host/hash-functions.js';
import {
  secp256k1Backend,
  useSecp256k1Backend,
  type Secp256k1BackendName,
} from '../runtime/host/secp256k1-backend.js';
import { loadSecp256k1Native, secp256k1RecoverNative } from '../runtime/host/secp256k1-native.js';
import { loadSecp256k1Wasm, secp256k1Recover } from '../runtime/host/secp256k1-wasm.js';
import { ecdsaVerify } from '../runtime/host/signatures.js';
import { hostContext } from '../test/support/host-context.js';
import { randomRecoverCase, recoverEdgeCases } from '../test/support/recover-cases.js';
import { recoverDifferential, type FastBuild } from '../test/support/recover-differential.js';
import { Rng } from '../test/support/signature-cases.js';
import { row } from './per-call.js';
import type { Row } from './section.js';

/** Whether the native addon is built here (`npm run build`); its columns are '—' without it. */
function nativeLoads(): boolean {
  try {
    loadSecp256k1Native();
    return true;
  } catch {
    return false;
  }
}

/** Per-call rows: CPU µs of each implementation on the same inputs, interleaved rounds. */
export async function secp256k1Rows(): Promise<Row[]> {
  await waitReady();
  loadSecp256k1Wasm();
  const native = nativeLoads();
  const msg = new TextEncoder().encode('balances.transfer_keep_alive(dest, 1_000_000_000_000)');
  const sk = new Uint8Array(32).fill(3);
  const hash = blake2_256(msg);
  const rec = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
  const rs = compactRS(rec.subarray(1), false) as Uint8Array;
  const v = rec[0]!;
  const sig = Uint8Array.from([...rs, v]);
  const pub = secp256k1.getPublicKey(sk, true);
  const same = (k: Uint8Array | null | undefined) => k instanceof Uint8Array && k.length === 33;
  const verifyWith = (r: typeof secp256k1Recover) => () => {
    const k = r(rs, v, blake2_256(msg), true);
    return k instanceof Uint8Array && Buffer.compare(k, pub) === 0;
  };
  if (!same(secp256k1Recover(rs, v, hash, true))) throw new Error('wasm: no key');
  if (native && !same(secp256k1RecoverNative(rs, v, hash, true))) throw new Error('native: no key');
  const skip = () => 0;
  const rows = [
    row(
      'secp256k1 recover (uncompressed), CPU µs: libsecp256k1 native / wasm / noble (reference) / @polkadot/wasm-crypto',
      [
        ['native µs', native ? () => secp256k1RecoverNative(rs, v, hash, false) : skip],
        ['wasm µs', () => secp256k1Recover(rs, v, hash, false)],
        [
          'reference µs',
          () => recover(parseRS(rs, false) as { r: bigint; s: bigint }, v, hash)!.toBytes(false),
        ],
        ['alternative µs', () => pjsRecover(hash, rs, v)],
      ],
      true,
    ),
    row(
      'ecdsa verify (blake2-256, recover, compare), CPU µs: native / wasm / noble (reference)',
      [
        ['native µs', native ? verifyWith(secp256k1RecoverNative) : skip],
        ['wasm µs', verifyWith(secp256k1Recover)],
        ['reference µs', () => ecdsaVerify(sig, msg, pub)],
      ],
      true,
    ),
  ];
  // Through the host function, with each implementation serving in turn.
  const h = hostContext();
  const args = [h.put(sig), h.put(hash)] as const;
  const hostRow: Row = {
    case: 'host fn secp256k1_ecdsa_recover_version_2 by implementation serving, CPU µs',
  };
  const before = secp256k1Backend().name;
  for (const [name, col] of [
    ['native', 'native µs'],
    ['wasm', 'wasm µs'],
    ['oracle', 'reference µs'],
  ] as [Secp256k1BackendName, string][]) {
    if (useSecp256k1Backend(name).name !== name) continue;
    const call = () => {
      const out = h.call(crypto, 'ext_crypto_secp256k1_ecdsa_recover_version_2', ...args);
      h.ctx.allocator.deallocate(h.ctx.memory, Number(BigInt(out as bigint) & 0xffffffffn));
    };
    hostRow[col] = row('', [['x', call]], true)['x']!;
  }
  useSecp256k1Backend(before === 'oracle' ? 'oracle' : undefined);
  rows.push(hostRow);
  if (!native) for (const r of rows) r['native µs'] = '—';
  return rows;
}

/** The differential: edge classes plus `count` random cases, both versions, each build. */
export function secp256k1DiffRow(count: number): Row {
  const t0 = performance.now();
  const builds: FastBuild[] = nativeLoads() ? ['native', 'wasm'] : ['wasm'];
  loadSecp256k1Wasm();
  const rng = new Rng(13);
  const cases = function* () {
    yield* recoverEdgeCases(rng);
    for (let i = 0; i < count; i++) yield randomRecoverCase(rng);
  };
  const d = recoverDifferential(cases(), builds);
  for (const e of d.examples) console.error(`secp256k1 disagreement: ${e}`);
  return {
    case: `secp256k1 recover, versions 1 and 2: ${builds.join(' and ')} vs reference`,
    inputs: d.inputs,
    accepted: d.recovered,
    disagreements: builds.reduce((n, b) => n + d.disagreements[b], 0),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
