// secp256k1 recovery in a real sealed worker (seccomp filter, Landlock, minimal root, uid
// 65534): the native libsecp256k1 addon loads there from beside the worker bundle and serves
// the recover host functions; with the addon file absent (negative control) the wasm build
// serves instead, and every answer is the same bytes — those the reference gives.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRS, recover } from '../../../runtime/host/ecdsa.js';
import type { HostLogger, LogFields } from '../../../src/host/log.js';
import type { ValidationHost } from '../../../src/host/validation-host.js';
import { secp256k1AddonPath } from '../../../runtime/host/secp256k1-native.js';
import { createTestHost } from '../../support/test-host.js';
import { wat } from '../../support/wat.js';
import { testBundles } from '../../support/worker-bundle.js';
import { SECP_N } from '../../support/recover-cases.js';

const bytes = (b: Uint8Array) => [...b].map((x) => '\\' + x.toString(16).padStart(2, '0')).join('');
const be = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// Signatures (r ‖ s ‖ v) over one hash: valid, v + 27, its high-S twin, r = n (version 2 refuses
// it: BadRS; version 1 reduces it to 0: BadSignature), a result at infinity (BadSignature),
// v = 4 (BadV).
const hash = new Uint8Array(32).fill(8);
const sk = new Uint8Array(32).fill(6);
const rec = secp256k1.sign(hash, sk, { prehash: false, format: 'recovered' });
const r = BigInt('0x' + hex(rec.subarray(1, 33)));
const s = BigInt('0x' + hex(rec.subarray(33, 65)));
const v = rec[0]!;
const sig = (rr: bigint, ss: bigint, vv: number) => Uint8Array.from([...be(rr), ...be(ss), vv]);
const k = 12345n;
const R = secp256k1.Point.BASE.multiply(k).toAffine();
const CASES: [Uint8Array, Uint8Array][] = [
  [sig(r, s, v), hash],
  [sig(r, s, v + 27), hash],
  [sig(r, SECP_N - s, v ^ 1), hash],
  [sig(SECP_N, s, v), hash],
  [sig(R.x, 7n, Number(R.y & 1n)), be((7n * k) % SECP_N)],
  [sig(r, s, 4), hash],
];
const FNS = [
  'ext_crypto_secp256k1_ecdsa_recover_version_1',
  'ext_crypto_secp256k1_ecdsa_recover_version_2',
  'ext_crypto_secp256k1_ecdsa_recover_compressed_version_1',
  'ext_crypto_secp256k1_ecdsa_recover_compressed_version_2',
];

/** A PVF exporting `c<i>_<j>`: host function j on case i, returning its SCALE result. */
function pvf(): string {
  const imports = FNS.map(
    (f, j) => `(import "env" "${f}" (func $f${j} (param i32 i32) (result i64)))`,
  ).join('\n');
  const data = CASES.map(
    ([sg, h], i) =>
      `(data (i32.const ${i * 128}) "${bytes(sg)}") (data (i32.const ${i * 128 + 80}) "${bytes(h)}")`,
  ).join('\n');
  const fns = CASES.flatMap((_, i) =>
    FNS.map(
      (_, j) =>
        `(func (export "c${i}_${j}") (param i32 i32) (result i64) (call $f${j} (i32.const ${i * 128}) (i32.const ${i * 128 + 80})))`,
    ),
  ).join('\n');
  return `(module ${imports} (memory (export "memory") 2) (global (export "__heap_base") i32 (i32.const 4096)) ${data} ${fns})`;
}

/** The reference's SCALE answer (sp-io: Ok(key) = 00 ‖ key; Err = 01 ‖ BadRS 0 / BadV 1 / BadSignature 2). */
function expected(sg: Uint8Array, h: Uint8Array, fn: string): string {
  const vv = sg[64]! > 26 ? sg[64]! - 27 : sg[64]!;
  if (vv > 3) return '0101';
  const rs = parseRS(sg.subarray(0, 64), fn.endsWith('version_1'));
  if (rs === 'bad-rs') return '0100';
  const q = recover(rs, vv, h);
  if (q === undefined) return '0102';
  return '00' + hex(fn.includes('compressed') ? q.toBytes(true) : q.toBytes(false).subarray(1));
}

/** A host on the test bundles, with or without the addon; the worker-sealed line's fields. */
async function sealedHost(addon: boolean): Promise<{ host: ValidationHost; sealed: LogFields }> {
  const lines: LogFields[] = [];
  const logger: HostLogger = {
    info: (fields) => void lines.push(fields),
    warn: () => {},
  };
  const b = await testBundles({ secp256k1Addon: addon });
  const host = await createTestHost({ workerScript: b.worker, logger });
  const sealed = lines.find((f) => f.event === 'worker-sealed');
  if (sealed === undefined) throw new Error('no worker-sealed line');
  return { host, sealed };
}

// CI always builds the addon (npm run build); elsewhere the test needs it built too.
const BUILT = secp256k1AddonPath() !== undefined || process.env.CI === 'true';

describe.runIf(process.platform === 'linux' && BUILT)(
  'secp256k1 recovery in a sealed worker',
  () => {
    const hosts: ValidationHost[] = [];
    afterAll(() => Promise.all(hosts.map((h) => h.close())));

    const answers = async (host: ValidationHost): Promise<string[]> => {
      const code = await wat(pvf());
      const out: string[] = [];
      for (let i = 0; i < CASES.length; i++)
        for (let j = 0; j < FNS.length; j++) {
          const o = await host.call({ code, fn: `c${i}_${j}` });
          out.push(o.kind === 'returned' ? hex(o.output) : `${o.kind}`);
        }
      return out;
    };
    const reference = CASES.flatMap(([sg, h]) => FNS.map((f) => expected(sg, h, f)));

    it('the native addon loads under seccomp, Landlock and a minimal root, and serves', async () => {
      const { host, sealed } = await sealedHost(true);
      hosts.push(host);
      expect(String(sealed.secp256k1)).toMatch(/^native \(libsecp256k1 from secp256k1@/);
      // The seal it loaded under (the host refuses to start a worker without the filter).
      for (const layer of ['seccomp', 'landlock', 'root'])
        expect(String(sealed.layers)).toContain(layer);
      expect(await answers(host)).toEqual(reference);
      // Every answer class is there: keys, BadRS, BadV, BadSignature.
      expect(new Set(reference.map((a) => (a.startsWith('00') ? 'Ok' : a)))).toEqual(
        new Set(['Ok', '0100', '0101', '0102']),
      );
    });

    it('negative control: without the addon file the wasm build serves, same answers', async () => {
      const { host, sealed } = await sealedHost(false);
      hosts.push(host);
      expect(String(sealed.secp256k1)).toMatch(/^wasm \(.*native: secp256k1\.node not built/);
      expect(await answers(host)).toEqual(reference);
    });
  },
);
