// Prepare checks the exports each WASI ABI requires and refuses, naming what is missing, a
// module or component that could never validate: a command module (`_start`), mistyped
// entry points, a component of another world.
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTOR_PARAMS } from '../../../runtime/engine/index.js';
import { prepareComponent } from '../../../runtime/wasi/component/pvf.js';
import { prepareWasiP1 } from '../../../runtime/wasi/preview1/pvf.js';
import { componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { preview1Adapter } from '../../../scripts/wrap-preview1-component.js';
import { componentFromWat, wat } from '../../support/wasi-pvfs.js';

const p1 = async (exports: string) =>
  prepareWasiP1(
    await wat(`(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 1) ${exports})`),
    DEFAULT_EXECUTOR_PARAMS,
  );

describe('wasi-p1 exports', () => {
  it('refuses a command module, naming both missing functions and _start', async () => {
    expect(await p1('(func (export "_start"))')).toMatchObject({
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-export',
      message:
        'a wasi-p1 PVF must export pvf_alloc(i32) -> i32 and validate_block(i32, i32) -> i64: both are missing (this is a command module: it exports _start, which a PVF never runs; build a reactor or library, e.g. clang -mexec-model=reactor, or a Rust cdylib)',
    });
  });

  it('names the one missing export and a mistyped one', async () => {
    const out = await p1(
      '(func (export "validate_block") (param i32 i32) (result i32) i32.const 0)',
    );
    expect(out).toMatchObject({ reason: 'bad-export' });
    expect(out.kind === 'prepare-error' && out.message).toMatch(
      /: pvf_alloc is missing, validate_block has type \(i32, i32\) -> i32$/,
    );
  });

  it('accepts both with their types', async () => {
    const out = await p1(`(func (export "pvf_alloc") (param i32) (result i32) i32.const 0)
      (func (export "validate_block") (param i32 i32) (result i64) i64.const 0)`);
    expect(out.kind).toBe('prepared');
  });
});

describe('component exports', () => {
  it('refuses a component of another world, naming what it exports', async () => {
    const component = await componentFromWat(
      `(module (memory (export "memory") 1) (func (export "other")))`,
      'w',
      'package a:b; world w { export other: func(); }',
    );
    expect(prepareComponent(component, DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-export',
      message:
        'a component PVF must export validate-block: func(params: list<u8>) -> result<list<u8>, string> (world pvf); it exports other',
    });
  });
});

describe('a command component (preview1 `_start` wrapped with the command adapter)', () => {
  it('is refused at prepare as a command', async () => {
    const core = await wat(`(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
      (memory (export "memory") 1) (func (export "_start")))`);
    const component = await componentNew(core, [
      ['wasi_snapshot_preview1', preview1Adapter('command')],
    ]);
    expect(prepareComponent(component, DEFAULT_EXECUTOR_PARAMS)).toMatchObject({
      reason: 'bad-export',
      message: expect.stringMatching(
        /; it exports wasi:cli\/run@0\.2\.\d+: a command component, whose run a PVF never calls$/,
      ),
    });
  });
});
