// The deterministic preview1 host and ABI 1, on tiny WAT guests: what each function answers,
// what ends up in the log, how the call ends, and that networking cannot be linked.
import { blake2b } from '@noble/hashes/blake2.js';
import { shake256 } from '@noble/hashes/sha3.js';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTOR_PARAMS, type EngineOutcome } from '../../../runtime/engine/index.js';
import { DeterministicRandom } from '../../../runtime/wasi/deterministic.js';
import { PREVIEW1_PROVIDED, Preview1Host } from '../../../runtime/wasi/preview1/host.js';
import { PREVIEW1_SOCKET_FUNCTIONS } from '../../../runtime/wasi/preview1/names.js';
import { prepareWasiP1 } from '../../../runtime/wasi/preview1/pvf.js';
import { StdioLog } from '../../../runtime/wasi/stdio-log.js';
import { p1Validator, resultWithHead, wat } from '../../support/wasi-pvfs.js';

/**
 * An ABI 1 guest: `body` runs inside validate_block with the params at $ptr/$len, may use
 * memory from 4096 on, and must leave the result's (ptr, len) in locals $rp/$rl.
 */
const guest = (imports: string, body: string, data = '') => `(module
  ${imports}
  (memory (export "memory") 1)
  ${data}
  (func (export "pvf_alloc") (param i32) (result i32) (i32.const 8192))
  (func (export "validate_block") (param $ptr i32) (param $len i32) (result i64)
    (local $rp i32) (local $rl i32)
    ${body}
    (i64.or (i64.shl (i64.extend_i32_u (local.get $rl)) (i64.const 32)) (i64.extend_i32_u (local.get $rp)))))`;

const fd = (name: string, params: string) =>
  `(import "wasi_snapshot_preview1" "${name}" (func $${name} ${params} (result i32)))`;

/** Stores `value` (an i32 expression) at `at`, then returns head = the 4 bytes there. */
const returnI32 = (value: string) => `(i32.store (i32.const 4096) ${value})`;

/** A ValidationResult whose 4-byte head data is the i32 stored at 4096. */
async function headOf(imports: string, body: string, data = ''): Promise<EngineOutcome> {
  // SCALE: compact(4) = 0x10, 4 head bytes, then 11 zero bytes; built at 8300.
  const full = `${body}
    (i32.store8 (i32.const 8300) (i32.const 0x10))
    (i32.store (i32.const 8301) (i32.load (i32.const 4096)))
    (local.set $rp (i32.const 8300)) (local.set $rl (i32.const 16))`;
  return p1Validator(await wat(guest(imports, full, data)))(new Uint8Array([1, 2, 3]));
}

const headI32 = (o: EngineOutcome): number => {
  if (o.kind !== 'valid') throw new Error(`not valid: ${JSON.stringify(o)}`);
  return new DataView(o.result.buffer, o.result.byteOffset + 1, 4).getInt32(0, true);
};

describe('preview1 host', () => {
  it('writes stdout and stderr into the log, one record per line; fds 0 and 3 are EBADF', async () => {
    const o = await headOf(
      fd('fd_write', '(param i32 i32 i32 i32)'),
      `(i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 9))
       (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
       (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
       ${returnI32(`(i32.or (call $fd_write (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16))
                            (i32.shl (call $fd_write (i32.const 3) (i32.const 0) (i32.const 1) (i32.const 16)) (i32.const 8)))`)}`,
      '(data (i32.const 100) "out\\nline2")',
    );
    expect(headI32(o)).toBe(8 | (8 << 8)); // EBADF, EBADF
    expect(o.kind === 'valid' && o.logs).toEqual([
      { level: 3, target: 'stdout', message: 'out' },
      { level: 1, target: 'stderr', message: 'out' },
      { level: 3, target: 'stdout', message: 'line2' },
      { level: 1, target: 'stderr', message: 'line2' },
    ]);
  });

  it('has empty args and environ and no preopened directory', async () => {
    const o = await headOf(
      [
        fd('args_sizes_get', '(param i32 i32)'),
        fd('environ_sizes_get', '(param i32 i32)'),
        fd('fd_prestat_get', '(param i32 i32)'),
        fd('path_open', '(param i32 i32 i32 i32 i32 i64 i64 i32 i32)'),
      ].join('\n'),
      `(i32.store (i32.const 0) (i32.const -1)) (i32.store (i32.const 4) (i32.const -1))
       (i32.store (i32.const 8) (i32.const -1)) (i32.store (i32.const 12) (i32.const -1))
       (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
       (drop (call $environ_sizes_get (i32.const 8) (i32.const 12)))
       ${returnI32(`(i32.or (i32.or (i32.load (i32.const 0)) (i32.load (i32.const 4)))
          (i32.or (i32.or (i32.load (i32.const 8)) (i32.load (i32.const 12)))
            (i32.or (i32.shl (call $fd_prestat_get (i32.const 3) (i32.const 32)) (i32.const 8))
              (i32.shl (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0)
                (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 40)) (i32.const 16)))))`)}`,
    );
    expect(headI32(o)).toBe((8 << 8) | (8 << 16)); // all sizes 0; fd 3: EBADF twice
  });

  it('reports fixed clocks: realtime 0 ns, monotonic 0 ns, resolution 1 ns', async () => {
    const o = await headOf(
      [fd('clock_time_get', '(param i32 i64 i32)'), fd('clock_res_get', '(param i32 i32)')].join(
        '\n',
      ),
      `(i64.store (i32.const 0) (i64.const -1)) (i64.store (i32.const 8) (i64.const -1))
       (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 0)))
       (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 8)))
       (drop (call $clock_res_get (i32.const 1) (i32.const 16)))
       ${returnI32(`(i32.or (i32.or (i32.wrap_i64 (i64.load (i32.const 0))) (i32.wrap_i64 (i64.load (i32.const 8))))
          (i32.or (i32.shl (i32.wrap_i64 (i64.load (i32.const 16))) (i32.const 8))
                  (i32.shl (call $clock_time_get (i32.const 9) (i64.const 1) (i32.const 24)) (i32.const 16))))`)}`,
    );
    expect(headI32(o)).toBe((1 << 8) | (28 << 16)); // 0 | 0 | res 1 | unknown clock: EINVAL
  });

  it('serves random_get from SHAKE256("pvf-runtime/wasi-random/v1" ‖ BLAKE2b-256(params))', async () => {
    const code = await wat(
      guest(
        fd('random_get', '(param i32 i32)'),
        `(drop (call $random_get (i32.const 4097) (i32.const 5)))
         (drop (call $random_get (i32.const 4102) (i32.const 3)))
         (i32.store8 (i32.const 4096) (i32.const 0x20))
         (i64.store (i32.const 4105) (i64.const 0)) (i32.store (i32.const 4113) (i32.const 0))
         (local.set $rp (i32.const 4096)) (local.set $rl (i32.const 20))`,
      ),
    );
    const run = p1Validator(code);
    const params = new Uint8Array([9, 9, 9]);
    const first = run(params);
    expect(first.kind).toBe('valid');
    if (first.kind !== 'valid') return;
    const h = shake256.create({});
    h.update(new TextEncoder().encode('pvf-runtime/wasi-random/v1')).update(
      blake2b(params, { dkLen: 32 }),
    );
    expect(first.result.subarray(1, 9)).toEqual(h.xof(8)); // two calls read one stream
    const again = run(params);
    expect(again.kind === 'valid' && again.result).toEqual(first.result);
    const other = run(new Uint8Array([9, 9, 8]));
    expect(other.kind === 'valid' && other.result).not.toEqual(first.result);
  });

  it('ends the call on proc_exit: 0 without a result is bad-result, non-zero is invalid with the last stderr line', async () => {
    const exiting = (code: number) =>
      wat(
        guest(
          `${fd('fd_write', '(param i32 i32 i32 i32)')}
           (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))`,
          `(i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 14))
           (drop (call $fd_write (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 16)))
           (call $proc_exit (i32.const ${code}))`,
          '(data (i32.const 100) "StateMismatch\\n")',
        ),
      );
    const zero = p1Validator(await exiting(0))(new Uint8Array());
    expect(zero).toMatchObject({ kind: 'invalid', reason: 'bad-result' });
    const seven = p1Validator(await exiting(7))(new Uint8Array());
    expect(seven).toEqual({
      kind: 'invalid',
      reason: 'panic',
      message: 'StateMismatch',
      logs: [{ level: 1, target: 'stderr', message: 'StateMismatch' }],
      logsDropped: 0,
    });
  });

  it('traps the guest on a pointer outside its memory', async () => {
    const o = await headOf(
      fd('fd_write', '(param i32 i32 i32 i32)'),
      `(i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 100))
       (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))`,
    );
    expect(o).toMatchObject({ kind: 'invalid', reason: 'out-of-bounds' });
  });

  it('bounds the log by maxLogBytes', async () => {
    const code = await wat(
      guest(
        fd('fd_write', '(param i32 i32 i32 i32)'),
        `(i32.store (i32.const 0) (i32.const 100)) (i32.store (i32.const 4) (i32.const 4))
         (loop $again
           (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
           (local.set $rl (i32.add (local.get $rl) (i32.const 1)))
           (br_if $again (i32.lt_u (local.get $rl) (i32.const 10000))))
         unreachable`,
        '(data (i32.const 100) "abc\\n")',
      ),
    );
    const o = p1Validator(code, { ...DEFAULT_EXECUTOR_PARAMS, maxLogBytes: 90 })(new Uint8Array());
    expect(o.kind).toBe('invalid');
    if (o.kind !== 'invalid') return;
    expect(o.logs).toHaveLength(10); // 9 bytes a record ("stdout" + "abc") into 90
    expect(o.logsDropped).toBe(9990);
  });

  it('has every preview1 function but sock_* in its import object', () => {
    const names = Object.keys(
      new Preview1Host(new StdioLog(0), new DeterministicRandom(new Uint8Array())).imports()
        .wasi_snapshot_preview1 as object,
    );
    expect(names).toHaveLength(42); // the 46 functions of wasi_snapshot_preview1 minus 4 sockets
    expect(names.filter((n) => n.startsWith('sock_'))).toEqual([]);
    expect([...PREVIEW1_PROVIDED].sort()).toEqual([...names].sort());
  });
});

describe('preview1 networking denial', () => {
  const importing = (name: string) =>
    wat(`(module (import "wasi_snapshot_preview1" "${name}" (func $f (param i32 i32) (result i32)))
      (memory (export "memory") 1)
      (func (export "pvf_alloc") (param i32) (result i32) (i32.const 0))
      (func (export "validate_block") (param i32 i32) (result i64)
        (drop (call $f (i32.const 0) (i32.const 0))) (i64.const 0)))`);

  for (const name of PREVIEW1_SOCKET_FUNCTIONS) {
    it(`refuses ${name} at prepare and at link time`, async () => {
      const code = await importing(name);
      const module = new WebAssembly.Module(code);
      expect(prepareWasiP1(code, DEFAULT_EXECUTOR_PARAMS)).toEqual({
        kind: 'prepare-error',
        stage: 'preparation',
        reason: 'bad-import',
        message: `imports wasi_snapshot_preview1.${name}, which this host does not provide: PVFs may not use the network`,
      });
      const host = new Preview1Host(new StdioLog(0), new DeterministicRandom(new Uint8Array()));
      await expect(WebAssembly.instantiate(module, host.imports())).rejects.toThrow(
        WebAssembly.LinkError,
      );
      // V8 names the import `function="…"` up to Node 22 and `"module" "…"` from Node 24 on.
      expect(() => new WebAssembly.Instance(module, host.imports())).toThrow(
        new RegExp(`function="${name}"|"wasi_snapshot_preview1" "${name}"`),
      );
      // Negative control: the module links once something provides the function.
      const p1 = host.imports().wasi_snapshot_preview1 as WebAssembly.ModuleImports;
      const withSocket = { wasi_snapshot_preview1: { ...p1, [name]: () => 0 } };
      expect(new WebAssembly.Instance(module, withSocket)).toBeInstanceOf(WebAssembly.Instance);
    });
  }

  it('refuses any other unknown import without calling it networking', async () => {
    const code = await wat(
      '(module (import "env" "ext_misc_print_num_version_1" (func)) (memory (export "memory") 1))',
    );
    expect(prepareWasiP1(code, DEFAULT_EXECUTOR_PARAMS)).toEqual({
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-import',
      message: 'imports env.ext_misc_print_num_version_1, which this host does not provide',
    });
  });
});

describe('ABI 1 (wasi-p1)', () => {
  it('refuses a module without an exported memory', async () => {
    expect(prepareWasiP1(await wat('(module (memory 1))'), DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      kind: 'prepare-error',
      reason: 'no-memory',
    });
  });

  it('caps memory at maxMemoryPages like a Substrate PVF: growing past it fails', async () => {
    const grow = (pages: number) =>
      headOf('', returnI32(`(memory.grow (i32.const ${pages}))`)).then(headI32);
    expect(await grow(100)).toBe(1); // the old size: memory grew
    const code = await wat(
      guest(
        '',
        `${returnI32('(memory.grow (i32.const 100))')}
      (i32.store8 (i32.const 8300) (i32.const 0x10))
      (i32.store (i32.const 8301) (i32.load (i32.const 4096)))
      (local.set $rp (i32.const 8300)) (local.set $rl (i32.const 16))`,
      ),
    );
    const capped = p1Validator(code, { ...DEFAULT_EXECUTOR_PARAMS, maxMemoryPages: 10 });
    expect(headI32(capped(new Uint8Array()))).toBe(-1);
  });

  it('gives every execution a clean memory, recycled or not', async () => {
    // Returns what it finds at 5000 (then writes 42 there); grows memory when params[0] is 1.
    const code = await wat(
      guest(
        '',
        `${returnI32('(i32.load (i32.const 5000))')}
         (i32.store (i32.const 5000) (i32.const 42))
         (if (i32.eq (i32.load8_u (local.get $ptr)) (i32.const 1)) (then (drop (memory.grow (i32.const 1)))))
         (i32.store8 (i32.const 8300) (i32.const 0x10))
         (i32.store (i32.const 8301) (i32.load (i32.const 4096)))
         (local.set $rp (i32.const 8300)) (local.set $rl (i32.const 16))`,
      ),
    );
    const run = p1Validator(code);
    const seen = [0, 1, 0, 0].map((b) => headI32(run(new Uint8Array([b]))));
    expect(seen).toEqual([0, 0, 0, 0]);
  });

  it('is made deterministic like a Substrate PVF: stack limiter and feature set', async () => {
    // Unbounded recursion stops at the logical stack limit (the limiter's `unreachable`),
    // not at wherever V8's native stack happens to end.
    const recursive = p1Validator(
      await wat(`(module (memory (export "memory") 1)
        (func $r (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1))))
        (func (export "pvf_alloc") (param i32) (result i32) (i32.const 0))
        (func (export "validate_block") (param i32 i32) (result i64) (drop (call $r (i32.const 0))) (i64.const 0)))`),
    );
    expect(recursive(new Uint8Array())).toMatchObject({ kind: 'invalid', reason: 'unreachable' });
    const simd = await wat(
      '(module (memory (export "memory") 1) (func (export "f") (result v128) (v128.const i32x4 0 0 0 0)))',
    );
    expect(prepareWasiP1(simd, DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      kind: 'prepare-error',
      reason: 'invalid-wasm',
      message: expect.stringContaining('simd'),
    });
  });

  it('refuses a module without pvf_alloc and validate_block at prepare (test/runtime/wasi/exports.test.ts)', async () => {
    const code = await wat('(module (memory (export "memory") 1))');
    expect(prepareWasiP1(code, DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      kind: 'prepare-error',
      reason: 'bad-export',
    });
  });

  it('checks the returned range and decodes the result strictly', async () => {
    const out = p1Validator(
      await wat(guest('', '(local.set $rp (i32.const 65535)) (local.set $rl (i32.const 2))')),
    );
    expect(out(new Uint8Array())).toMatchObject({ kind: 'invalid', reason: 'bad-result' });
    // the params echoed back: a valid result exactly when the params are one
    const echo = p1Validator(
      await wat(guest('', '(local.set $rp (local.get $ptr)) (local.set $rl (local.get $len))')),
    );
    const result = resultWithHead(new Uint8Array([7, 7]));
    expect(echo(result)).toMatchObject({ kind: 'valid', result });
    expect(echo(Uint8Array.from([...result, 0]))).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
  });
});
