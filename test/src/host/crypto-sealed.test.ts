// The signature host functions inside a sealed worker (seccomp, Landlock, no network): the fast
// paths load there (schnorrkel's and libsecp256k1's wasm read beside the bundle, Node's
// OpenSSL in process) and
// give the reference's verdicts, the ZIP-215-only and pre-audit cases included.
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as sr from '@scure/sr25519';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostLogger, LogFields } from '../../../src/host/log.js';
import type { ValidationHost } from '../../../src/host/validation-host.js';
import { CPU_HAS_IFMA } from '../../support/cpu.js';
import { closedAfterEach, createTestHost } from '../../support/test-host.js';
import { wat } from '../../support/wat.js';

const NATIVE_CURVE25519 = join(
  resolve(import.meta.dirname, '../../..'),
  'dist/curve25519/curve25519.node',
);
const bytes = (b: Uint8Array) => [...b].map((x) => '\\' + x.toString(16).padStart(2, '0')).join('');

describe.runIf(process.platform === 'linux')('crypto host functions in a sealed worker', () => {
  let host: ValidationHost;
  beforeAll(async () => {
    host = await createTestHost();
  });
  afterAll(() => host?.close());

  it('sr25519 v1/v2, ed25519 and ECDSA verdicts, each from its fast path or the fallback', async () => {
    const msg = new TextEncoder().encode('transfer');
    const secret = sr.secretFromSeed(new Uint8Array(32).fill(3));
    const srPub = sr.getPublicKey(secret);
    const srSig = sr.sign(secret, msg);
    const edSk = new Uint8Array(32).fill(4);
    const edPub = ed25519.getPublicKey(edSk);
    const edSig = ed25519.sign(msg, edSk);
    // ZIP-215 accepts (OpenSSL refuses): identity R and key, S = 0.
    const identity = new Uint8Array(32);
    identity[0] = 1;
    // sp-core's `verify_from_old_wasm_works` pre-audit vector (seed 0, "SUBSTRATE").
    const oldPub = sr.getPublicKey(sr.secretFromSeed(new Uint8Array(32)));
    const oldSig = Buffer.from(
      '28a854d54903e056f89581c691c1f7d2ff39f8f896c9e9c22475e60902cc2b3547199e0e91fa32902028f2ca2355e8cdd16cfe19ba5e8b658c94aa80f3b81a00',
      'hex',
    );
    const ecSk = new Uint8Array(32).fill(6);
    const ecHash = new Uint8Array(32).fill(8);
    const rec = secp256k1.sign(ecHash, ecSk, { prehash: false, format: 'recovered' });
    const ecSig = Uint8Array.from([...rec.subarray(1), rec[0]!]);
    const ecPub = secp256k1.getPublicKey(ecSk, true);
    const badSig = srSig.slice();
    badSig[3]! ^= 1;
    // Memory layout: 0 msg (8), 64 srSig, 128 srPub, 160 edSig, 224 edPub, 256 identity
    // (R ‖ S = 0 at 256..320, key at 256), 320 "SUBSTRATE" (9), 384 oldSig, 448 oldPub,
    // 512 badSig, 576 ecSig (65), 656 ecHash, 704 ecPub (33), 1024 the 7 result bytes.
    const fat = (ptr: number, len: number) =>
      `(i64.or (i64.const ${ptr}) (i64.shl (i64.const ${len}) (i64.const 32)))`;
    const text = `(module
      (import "env" "ext_crypto_sr25519_verify_version_1" (func $sr1 (param i32 i64 i32) (result i32)))
      (import "env" "ext_crypto_sr25519_verify_version_2" (func $sr2 (param i32 i64 i32) (result i32)))
      (import "env" "ext_crypto_ed25519_verify_version_1" (func $ed (param i32 i64 i32) (result i32)))
      (import "env" "ext_crypto_ecdsa_verify_prehashed_version_1" (func $ec (param i32 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (global (export "__heap_base") i32 (i32.const 2048))
      (data (i32.const 0) "${bytes(msg)}")
      (data (i32.const 64) "${bytes(srSig)}")
      (data (i32.const 128) "${bytes(srPub)}")
      (data (i32.const 160) "${bytes(edSig)}")
      (data (i32.const 224) "${bytes(edPub)}")
      (data (i32.const 256) "${bytes(identity)}")
      (data (i32.const 320) "SUBSTRATE")
      (data (i32.const 384) "${bytes(oldSig)}")
      (data (i32.const 448) "${bytes(oldPub)}")
      (data (i32.const 512) "${bytes(badSig)}")
      (data (i32.const 576) "${bytes(ecSig)}")
      (data (i32.const 656) "${bytes(ecHash)}")
      (data (i32.const 704) "${bytes(ecPub)}")
      (func (export "check") (param i32 i32) (result i64)
        (i32.store8 (i32.const 1024) (call $sr2 (i32.const 64) ${fat(0, 8)} (i32.const 128)))
        (i32.store8 (i32.const 1025) (call $sr2 (i32.const 512) ${fat(0, 8)} (i32.const 128)))
        (i32.store8 (i32.const 1026) (call $ed (i32.const 160) ${fat(0, 8)} (i32.const 224)))
        (i32.store8 (i32.const 1027) (call $ed (i32.const 256) ${fat(0, 8)} (i32.const 256)))
        (i32.store8 (i32.const 1028) (call $sr1 (i32.const 384) ${fat(320, 9)} (i32.const 448)))
        (i32.store8 (i32.const 1029) (call $sr2 (i32.const 384) ${fat(320, 9)} (i32.const 448)))
        (i32.store8 (i32.const 1030) (call $ec (i32.const 576) (i32.const 656) (i32.const 704)))
        ${fat(1024, 7)}))`;
    const out = await host.call({ code: await wat(text), fn: 'check' });
    expect(out.kind).toBe('returned');
    if (out.kind === 'returned') expect([...out.output]).toEqual([1, 0, 1, 1, 1, 0, 1]);
  });
});

describe.runIf(process.platform === 'linux' && existsSync(NATIVE_CURVE25519))(
  'the native sr25519 addon in a sealed worker',
  () => {
    const newHost = closedAfterEach();
    const secret = sr.secretFromSeed(new Uint8Array(32).fill(5));
    const pub = sr.getPublicKey(secret);
    const msg = new TextEncoder().encode('a sealed verification');
    const sig = sr.sign(secret, msg);
    const bad = sig.slice();
    bad[0]! ^= 1;
    // Results at 1024: the valid signature, then the one with R changed.
    const fat = (ptr: number, len: number) =>
      `(i64.or (i64.const ${ptr}) (i64.shl (i64.const ${len}) (i64.const 32)))`;
    const text = `(module
      (import "env" "ext_crypto_sr25519_verify_version_2" (func $sr2 (param i32 i64 i32) (result i32)))
      (memory (export "memory") 1)
      (global (export "__heap_base") i32 (i32.const 2048))
      (data (i32.const 0) "${bytes(msg)}")
      (data (i32.const 64) "${bytes(sig)}")
      (data (i32.const 128) "${bytes(pub)}")
      (data (i32.const 192) "${bytes(bad)}")
      (func (export "check") (param i32 i32) (result i64)
        (i32.store8 (i32.const 1024) (call $sr2 (i32.const 64) ${fat(0, msg.length)} (i32.const 128)))
        (i32.store8 (i32.const 1025) (call $sr2 (i32.const 192) ${fat(0, msg.length)} (i32.const 128)))
        ${fat(1024, 2)}))`;

    /** The verdicts, whether the worker mapped the addon (its /proc maps, read from outside),
     *  and what its worker-sealed line says serves. */
    async function run(nativeCrypto: boolean) {
      const lines: LogFields[] = [];
      const logger: HostLogger = { info: (fields) => void lines.push(fields), warn: () => {} };
      const host = await newHost({ nativeCrypto, logger });
      const out = await host.call({ code: await wat(text), fn: 'check' });
      const [pid] = host.workerPids;
      const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
      const sealed = lines.find((f) => f.event === 'worker-sealed');
      return {
        verdicts: out.kind === 'returned' ? [...out.output] : out.kind,
        mapped: maps.includes('curve25519.node'),
        reported: String(sealed?.curve25519).split(' ')[0],
        vector: String(sealed?.curve25519).endsWith('; avx512ifma)'),
      };
    }

    it('loads there and serves the verdicts (control: nativeCrypto false maps no addon, same verdicts)', async () => {
      // The vector code serves sealed workers exactly where the CPU has it (AVX-512 IFMA).
      expect(await run(true)).toEqual({
        verdicts: [1, 0],
        mapped: true,
        reported: 'native',
        vector: CPU_HAS_IFMA,
      });
      expect(await run(false)).toEqual({
        verdicts: [1, 0],
        mapped: false,
        reported: 'fallback',
        vector: false,
      });
    });
  },
);
