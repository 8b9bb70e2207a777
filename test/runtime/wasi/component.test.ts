// The WASI 0.2 component host and ABI 2 on small WAT-built components: what the import map
// answers, how a call ends, and that no networking interface can be linked.
import { componentWit } from '@bytecodealliance/jco-transpile/wasm-tools';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTOR_PARAMS } from '../../../runtime/engine/index.js';
import {
  ComponentFormatError,
  componentImportNames,
} from '../../../runtime/wasi/component/imports.js';
import { prepareComponent } from '../../../runtime/wasi/component/pvf.js';
import { transpileComponent } from '../../../runtime/wasi/component/transpile.js';
import { DeterministicRandom } from '../../../runtime/wasi/deterministic.js';
import { ComponentLinkError, preview2Imports } from '../../../runtime/wasi/preview2/host.js';
import { StdioLog } from '../../../runtime/wasi/stdio-log.js';
import { componentFromWat, componentValidator, wasiExample, wat } from '../../support/wasi-pvfs.js';

const V = '0.2.3';

/**
 * A component of world `pvf-wasi`. validate-block: empty params → err("empty params");
 * first byte 1 → wasi:cli/exit(err); otherwise prints "hello" on stdout and returns a
 * ValidationResult whose head data is random-u64 ‖ wall-clock seconds ‖ monotonic now ‖
 * number of preopened directories (u32).
 */
const WASI_GUEST = `(module
  (import "wasi:cli/stdout@${V}" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@${V}" "[method]output-stream.blocking-write-and-flush" (func $write (param i32 i32 i32 i32)))
  (import "wasi:random/random@${V}" "get-random-u64" (func $random (result i64)))
  (import "wasi:clocks/wall-clock@${V}" "now" (func $wall (param i32)))
  (import "wasi:clocks/monotonic-clock@${V}" "now" (func $mono (result i64)))
  (import "wasi:filesystem/preopens@${V}" "get-directories" (func $dirs (param i32)))
  (import "wasi:cli/exit@${V}" "exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (global $bump (mut i32) (i32.const 16384))
  (data (i32.const 100) "hello\\n")
  (data (i32.const 120) "empty params")
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $bump))
    (global.set $bump (i32.add (local.get $p) (i32.add (local.get 3) (i32.const 8))))
    (local.get $p))
  (func (export "validate-block") (param $ptr i32) (param $len i32) (result i32)
    (if (i32.eqz (local.get $len)) (then
      (i32.store8 (i32.const 0) (i32.const 1))
      (i32.store (i32.const 4) (i32.const 120)) (i32.store (i32.const 8) (i32.const 12))
      (return (i32.const 0))))
    (if (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 1)) (then (call $exit (i32.const 1))))
    (call $write (call $get_stdout) (i32.const 100) (i32.const 6) (i32.const 32))
    ;; ValidationResult at 4096: compact(28) = 0x70, 28 head bytes, 11 zero bytes
    (i32.store8 (i32.const 4096) (i32.const 0x70))
    (i64.store (i32.const 4097) (call $random))
    (call $wall (i32.const 48))
    (i64.store (i32.const 4105) (i64.load (i32.const 48)))
    (i64.store (i32.const 4113) (call $mono))
    (call $dirs (i32.const 64))
    (i32.store (i32.const 4121) (i32.load (i32.const 68)))
    (i64.store (i32.const 4125) (i64.const 0)) (i32.store (i32.const 4133) (i32.const 0))
    (i32.store8 (i32.const 0) (i32.const 0))
    (i32.store (i32.const 4) (i32.const 4096)) (i32.store (i32.const 8) (i32.const 40))
    (i32.const 0)))`;

describe('WASI 0.2 component host', () => {
  it('runs a component on capability-free cli, io, clocks, random and filesystem', async () => {
    const run = await componentValidator(
      await componentFromWat(WASI_GUEST, 'pvf:runtime/pvf-wasi'),
    );
    const params = new Uint8Array([7, 7, 7]);
    const o = run(params);
    expect(o.kind).toBe('valid');
    if (o.kind !== 'valid') return;
    const head = new DataView(o.result.buffer, o.result.byteOffset + 1, 28);
    expect(head.getBigUint64(0, true)).toBe(new DeterministicRandom(params).nextU64());
    expect(head.getBigUint64(8, true)).toBe(0n); // wall clock: 1970-01-01T00:00:00Z
    expect(head.getBigUint64(16, true)).toBe(0n); // monotonic clock
    expect(head.getUint32(24, true)).toBe(0); // no preopened directories
    expect(o.logs).toEqual([{ level: 3, target: 'stdout', message: 'hello' }]);
    // Deterministic: the same params give the same bytes; other params another random value.
    expect(run(params)).toEqual(o);
    const other = run(new Uint8Array([7, 7, 8]));
    expect(other.kind === 'valid' && other.result).not.toEqual(o.result);
  });

  it('makes err(message) an invalid candidate with that message', async () => {
    const run = await componentValidator(
      await componentFromWat(WASI_GUEST, 'pvf:runtime/pvf-wasi'),
    );
    expect(run(new Uint8Array())).toEqual({
      kind: 'invalid',
      reason: 'panic',
      message: 'empty params',
      logs: [],
      logsDropped: 0,
    });
  });

  it('ends the call on wasi:cli/exit', async () => {
    const run = await componentValidator(
      await componentFromWat(WASI_GUEST, 'pvf:runtime/pvf-wasi'),
    );
    expect(run(new Uint8Array([1]))).toMatchObject({ kind: 'invalid', reason: 'panic' });
  });

  it('reads import names from the binary as wasm-tools prints them', async () => {
    for (const name of ['component-adder', 'wasi-sockets-tcp', 'wasi-sockets-http'] as const) {
      const bytes = await wasiExample(name);
      const fromWit = [...(await componentWit(bytes)).matchAll(/^\s*import (\S+);$/gm)].map(
        (m) => m[1],
      );
      expect(componentImportNames(bytes)).toEqual(fromWit);
    }
    expect(() => componentImportNames(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toThrow(
      ComponentFormatError,
    );
  });

  it('refuses a component that does not export validate-block, and a core module', async () => {
    const wit = `package test:w;\nworld other { export run: func() -> u32; }`;
    const other = await componentFromWat(
      '(module (func (export "run") (result i32) (i32.const 1)))',
      'test:w/other',
      wit,
    );
    expect(await prepareComponent(other, DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      kind: 'prepare-error',
      reason: 'bad-export',
      message: expect.stringContaining('validate-block'),
    });
    expect(await prepareComponent(await wat('(module)'), DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      kind: 'prepare-error',
      reason: 'invalid-wasm',
    });
  });
});

/** Every interface of WASI 0.2's networking packages. */
const NETWORK_INTERFACES = [
  'wasi:sockets/instance-network',
  'wasi:sockets/ip-name-lookup',
  'wasi:sockets/network',
  'wasi:sockets/tcp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp',
  'wasi:sockets/udp-create-socket',
  'wasi:http/types',
  'wasi:http/incoming-handler',
  'wasi:http/outgoing-handler',
];

/** A `pvf` component importing one function, `probe`, from `iface`. */
async function probing(iface: string): Promise<Uint8Array> {
  const [pkg, name] = iface.split('/') as [string, string];
  const wit = `package test:probe;
world w {
  import ${iface}@${V};
  export validate-block: func(params: list<u8>) -> result<list<u8>, string>;
}
package ${pkg}@${V} { interface ${name} { probe: func(); } }`;
  return componentFromWat(
    `(module (import "${iface}@${V}" "probe" (func $probe))
      (memory (export "memory") 1)
      (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
      (func (export "validate-block") (param i32 i32) (result i32) (call $probe) (i32.const 0)))`,
    'test:probe/w',
    wit,
  );
}

describe('component networking denial', () => {
  for (const iface of NETWORK_INTERFACES) {
    it(`refuses ${iface} at prepare and at link time`, async () => {
      const bytes = await probing(iface);
      expect(await prepareComponent(bytes, DEFAULT_EXECUTOR_PARAMS)).toEqual({
        kind: 'prepare-error',
        stage: 'preparation',
        reason: 'bad-import',
        message: `imports ${iface}@${V}, which this host does not provide: PVFs may not use the network`,
      });
      // Second line of defence: skip prepare's check and link the glue against the host map.
      const glue = transpileComponent(bytes, DEFAULT_EXECUTOR_PARAMS.maxMemoryPages);
      const host = () =>
        preview2Imports(new StdioLog(0), new DeterministicRandom(new Uint8Array()));
      expect(() => glue.instantiate(host())).toThrow(ComponentLinkError);
      expect(() => glue.instantiate(host())).toThrow(
        `imports ${iface}, which this host does not provide`,
      );
      // Negative control: the same glue links once the map has the interface.
      expect(
        glue.instantiate({ ...host(), [iface]: { probe: () => {} } }).validateBlock,
      ).toBeTypeOf('function');
    });
  }

  it('refuses the adversarial examples naming every networking import', async () => {
    expect(
      await prepareComponent(await wasiExample('wasi-sockets-tcp'), DEFAULT_EXECUTOR_PARAMS),
    ).toEqual({
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-import',
      message: `imports wasi:sockets/network@${V}, wasi:sockets/tcp@${V} and wasi:sockets/tcp-create-socket@${V}, which this host does not provide: PVFs may not use the network`,
    });
    expect(
      await prepareComponent(await wasiExample('wasi-sockets-http'), DEFAULT_EXECUTOR_PARAMS),
    ).toEqual({
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-import',
      message: `imports wasi:http/types@${V} and wasi:http/outgoing-handler@${V}, which this host does not provide: PVFs may not use the network`,
    });
  });
});
