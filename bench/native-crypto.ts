// The native curve25519 addon against what serves without it, side by side in one process: per
// call (sr25519 against schnorrkel's wasm build, ed25519 against OpenSSL), and on real transfer
// blocks (bare validations, the engine in this process) with
// `ext_crypto_sr25519_verify_version_2` served by one or the other, in alternating order, as CPU
// time and as a share of the block's own ref_time weight. Where the CPU has AVX-512 IFMA, the
// addon also runs with its vector code off (*native, serial*: libsodium's code alone). Needs the
// fixtures and `npm run build` (the addon); says so instead when either is missing.
import { loadavg } from 'node:os';
import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr from '@scure/sr25519';
import { prepare } from '../runtime/engine/index.js';
import type { PreparedModule } from '../runtime/engine/types.js';
import { host, type HostContext, type HostFunction } from '../runtime/host/context.js';
import {
  ed25519VerifyFast,
  ed25519VerifyOpenssl,
  sr25519VerifyFast,
  sr25519VerifyWasm,
} from '../runtime/host/fast-verify.js';
import { fatBytes, fixedBytes } from '../runtime/host/marshal.js';
import { PVF_HOST_FUNCTIONS } from '../runtime/host/registry.js';
import { ed25519Verify, sr25519Verify } from '../runtime/host/signatures.js';
import {
  curve25519Backend,
  curve25519Vector,
  setCurve25519Vector,
  withoutCurve25519Vector,
} from '../runtime/host/curve25519-native.js';
import { HAVE_FIXTURES } from '../test/support/fixtures.js';
import type { Row, Section } from './section.js';
import { alternatingCpu, hundredAndFull } from './transfer-blocks.js';

const ROUNDS = 9;
const VERIFY = 'ext_crypto_sr25519_verify_version_2';
const r2 = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const VECTOR = curve25519Vector !== 'none';

/** CPU µs per call of `fn` with the addon's vector code off (NaN where the CPU has none). */
function serialPerCall(fn: () => unknown): number {
  return VECTOR ? withoutCurve25519Vector(() => cpuPerCall(fn)) : NaN;
}

/** CPU µs per call of `fn`, over about `ms`. */
function cpuPerCall(fn: () => unknown, ms = 400): number {
  for (let i = 0; i < 20; i++) fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < ms) {
    fn();
    n++;
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
}

function perCallRow(): Row {
  const secret = sr.secretFromSeed(new Uint8Array(32).fill(7));
  const pub = sr.getPublicKey(secret);
  const msg = new Uint8Array(100).fill(1);
  const sig = sr.sign(secret, msg);
  const native: number[] = [];
  const serial: number[] = [];
  const wasm: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < 3; round++) {
    native.push(cpuPerCall(() => sr25519VerifyFast(sig, msg, pub)));
    serial.push(serialPerCall(() => sr25519VerifyFast(sig, msg, pub)));
    wasm.push(cpuPerCall(() => sr25519VerifyWasm(sig, msg, pub)));
    reference.push(cpuPerCall(() => sr25519Verify(sig, msg, pub), 200));
  }
  const n = median(native);
  const w = median(wasm);
  return {
    case: 'sr25519 verify, 100-byte message (CPU µs per call)',
    native: r2(n),
    'native, serial': VECTOR ? r2(median(serial)) : 'no vector code',
    fallback: r2(w),
    'native/fallback': r2(n / w),
    reference: r2(median(reference)),
    load: r2(loadavg()[0]!),
  };
}

/** ed25519: the addon, OpenSSL (which accepts these: its path never reaches ZIP-215), the
 *  ZIP-215 reference. */
function ed25519Row(): Row {
  const secret = new Uint8Array(32).fill(4);
  const pub = ed25519.getPublicKey(secret);
  const msg = new Uint8Array(100).fill(1);
  const sig = ed25519.sign(msg, secret);
  const native: number[] = [];
  const serial: number[] = [];
  const openssl: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < 3; round++) {
    native.push(cpuPerCall(() => ed25519VerifyFast(sig, msg, pub)));
    serial.push(serialPerCall(() => ed25519VerifyFast(sig, msg, pub)));
    openssl.push(cpuPerCall(() => ed25519VerifyOpenssl(sig, msg, pub)));
    reference.push(cpuPerCall(() => ed25519Verify(sig, msg, pub), 200));
  }
  const n = median(native);
  const o = median(openssl);
  return {
    case: 'ed25519 verify, 100-byte message (CPU µs per call)',
    native: r2(n),
    'native, serial': VECTOR ? r2(median(serial)) : 'no vector code',
    fallback: r2(o),
    'native/fallback': r2(n / o),
    reference: r2(median(reference)),
    load: r2(loadavg()[0]!),
  };
}

/** The verification host function on schnorrkel's wasm build, as crypto.ts builds it. */
const wasmVerify = host(
  '(i32,i64,i32)->i32',
  (ctx: HostContext, sig: number, msg: bigint, pub: number) =>
    sr25519VerifyWasm(
      fixedBytes(ctx, sig, 64, 'signature'),
      fatBytes(ctx, msg, 'message'),
      fixedBytes(ctx, pub, 32, 'public key'),
    )
      ? 1
      : 0,
) as HostFunction;

async function blockRows(): Promise<Row[]> {
  const functions = PVF_HOST_FUNCTIONS as Map<string, HostFunction>;
  const nativeVerify = functions.get(VERIFY)!;
  const rows: Row[] = [];
  try {
    for (const name of ['asset-hub', 'template'] as const) {
      const { wasm, blocks } = await hundredAndFull(name);
      // One prepared module per variant, each linked while its function is in the registry.
      const prepared = (fn: HostFunction): PreparedModule => {
        functions.set(VERIFY, fn);
        const p = prepare(wasm);
        if (p.kind !== 'prepared') throw new Error(p.message);
        return p.prepared;
      };
      const variants = {
        native: prepared(nativeVerify),
        serial: prepared(nativeVerify),
        wasm: prepared(wasmVerify),
      };
      for (const block of blocks) {
        // The first round warms each up.
        const cpu = alternatingCpu(
          variants,
          VECTOR ? ['native', 'serial', 'wasm'] : ['native', 'wasm'],
          block,
          { total: ROUNDS, warmUp: 1 },
          (v) => {
            functions.set(VERIFY, v === 'wasm' ? wasmVerify : nativeVerify);
            setCurve25519Vector(v !== 'serial');
          },
        );
        setCurve25519Vector(true);
        const { native: n, wasm: w } = cpu;
        const weightMs = Number(block.weight.refTime) / 1e9;
        rows.push({
          case: `${name}, ${block.transfers} transfers (bare CPU ms)`,
          'weight ms': r2(weightMs),
          native: r2(n),
          'native, serial': VECTOR ? r2(cpu.serial) : 'no vector code',
          fallback: r2(w),
          'native/fallback': r2(n / w),
          'native ÷ weight': r2(n / weightMs),
          'serial ÷ weight': VECTOR ? r2(cpu.serial / weightMs) : 'no vector code',
          'fallback ÷ weight': r2(w / weightMs),
          load: r2(loadavg()[0]!),
        });
      }
    }
  } finally {
    functions.set(VERIFY, nativeVerify);
  }
  return rows;
}

export const nativeCrypto: Section = {
  name: 'native-crypto',
  description: `the native curve25519 addon vs the fallbacks (sr25519: schnorrkel's wasm build, ed25519: OpenSSL + ZIP-215): per call, and on real transfer blocks (bare validations in this process, ${ROUNDS - 1} rounds in alternating order after a warm-up, medians; CPU time)`,
  async run() {
    if (curve25519Backend.kind !== 'native')
      return [{ case: `skipped: ${curve25519Backend.detail}` }];
    const rows = [perCallRow(), ed25519Row()];
    if (!HAVE_FIXTURES) return [...rows, { case: 'blocks skipped: ../shared/fixtures is absent' }];
    return [...rows, ...(await blockRows())];
  },
};
