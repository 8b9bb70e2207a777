// Conformance corpus, engine rules: each case is a tiny module with the verdict Polkadot's
// executor gives it, citing the reference (paritytech/polkadot-sdk at the pinned release, see
// README "Reference" and "Conformance"). Every case has a control that differs from it in the
// one property the rule is about and gets the other verdict, so the test fails if the rule
// is lost in either direction.
import { describe, expect, it } from 'vitest';
import {
  prepare,
  validateBlock,
  type PreparedModule,
  type EnginePrepareOutcome,
} from '../../../runtime/engine/index.js';
import { wat } from '../../support/wat.js';

// head_data [0xaa], no new code, no messages, 0 processed, watermark 5 (13 bytes) at 16,
// followed by two bytes that are not part of it.
const RESULT = '\\04\\aa\\00\\00\\00\\00\\00\\00\\00\\05\\00\\00\\00';
const PACK = `(func $pack (param i32 i32) (result i64)
  (i64.or (i64.extend_i32_u (local.get 0)) (i64.shl (i64.extend_i32_u (local.get 1)) (i64.const 32))))`;
const ALLOC = `(import "env" "ext_allocator_malloc_version_1" (func $malloc (param i32) (result i32)))
  (import "env" "ext_allocator_free_version_1" (func $free (param i32)))`;

const module = (
  body: string,
  opts: { imports?: string; heapBase?: number; memory?: string } = {},
) =>
  `(module ${opts.imports ?? ''}
    ${opts.memory ?? '(memory (export "memory") 2)'}
    (global (export "__heap_base") i32 (i32.const ${opts.heapBase ?? 1024}))
    (data (i32.const 16) "${RESULT}\\ff\\ee")
    ${PACK}
    (func (export "validate_block") (param $p i32) (param $l i32) (result i64) (local $q i32)
      ${body}))`;

async function load(text: string): Promise<PreparedModule> {
  const p = prepare(await wat(text));
  if (p.kind !== 'prepared') throw new Error(`${p.reason}: ${p.message}`);
  return p.prepared;
}
const run = async (text: string) => validateBlock(await load(text), new Uint8Array(4));

describe('result decoding: `ValidationResult::decode` ignores trailing bytes', () => {
  // polkadot/node/core/pvf/execute-worker/src/lib.rs, `validate_using_artifact`:
  // `ValidationResult::decode(&mut &descriptor_bytes[..])`.
  it('a result followed by two extra bytes is valid; the result is the value alone', async () => {
    const out = await run(module('(call $pack (i32.const 16) (i32.const 15))'));
    expect(out).toMatchObject({ kind: 'valid' });
    if (out.kind === 'valid') expect(out.result).toHaveLength(13);
  });
  it('control: a result cut one byte short is invalid (bad-result)', async () => {
    expect(await run(module('(call $pack (i32.const 16) (i32.const 12))'))).toMatchObject({
      kind: 'invalid',
      reason: 'bad-result',
    });
  });
});

describe('allocator: sc-allocator accounting, sp-io free traps on its error', () => {
  // substrate/client/allocator/src/freeing_bump.rs `deallocate` ("underflow of the currently
  // allocated bytes count"); substrate/primitives/io/src/lib.rs:3949 `Allocator::free`
  // (`.expect("Failed to deallocate memory")`, :3950 @01e5c617).
  const forge = (order: number) =>
    module(
      `(local.set $q (call $malloc (i32.const 8)))
       (i64.store (i32.sub (local.get $q) (i32.const 8)) (i64.const ${0x1_0000_0000 + order}))
       (call $free (local.get $q))
       (call $pack (i32.const 16) (i32.const 13))`,
      { imports: ALLOC },
    );
  it('freeing a forged header larger than all live allocations traps: invalid', async () => {
    // Live: the 4-byte input (16) and the 8-byte chunk (16); order 20 is 8 MiB + 8.
    expect(await run(forge(20))).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('underflow of the currently allocated bytes count'),
    });
  });
  it('control: a forged header within the live count is freed and the call is valid', async () => {
    expect(await run(forge(1))).toMatchObject({ kind: 'valid' }); // 16 + 8 <= 32
  });
});

describe('memory setup: __heap_base is aligned in wrapping u32 arithmetic', () => {
  // freeing_bump.rs `FreeingBumpHeapAllocator::new`: `(heap_base + ALIGNMENT - 1) / ALIGNMENT
  // * ALIGNMENT`, u32, no overflow checks in release builds.
  const echoInputPtr = (heapBase: number) =>
    module('(call $pack (i32.const 16) (i32.sub (local.get $p) (i32.const -5)))', { heapBase });
  it('a base within 7 of 2^32 wraps to 0: the input lands at 8 and the call runs', async () => {
    // Returns (16, p + 5): 13 bytes only when the input pointer p is 8.
    const out = await run(echoInputPtr(0xfffffffc | 0));
    expect(out).toMatchObject({ kind: 'valid' });
  });
  it('control: a base of 2^32 - 8 does not wrap, and the input cannot be placed', async () => {
    expect(await run(echoInputPtr(0xfffffff8 | 0))).toMatchObject({
      kind: 'invalid',
      reason: 'out-of-memory',
    });
  });
});

describe('module shape: convert_memory_import_into_export adds an export blindly', () => {
  // substrate/client/executor/common/src/runtime_blob/runtime_blob.rs
  // `convert_memory_import_into_export`: `ExportEntry::new(memory_name, Internal::Memory(0))`
  // pushed without a check; wasmtime then refuses the duplicate export name.
  const prepared = async (text: string): Promise<EnginePrepareOutcome> => prepare(await wat(text));
  it('importing env.memory while exporting a function named memory: preparation error', async () => {
    const text = module('(call $pack (i32.const 16) (i32.const 13))', {
      memory: '(import "env" "memory" (memory 2)) (func (export "memory"))',
    });
    expect(await prepared(text)).toMatchObject({
      kind: 'prepare-error',
      stage: 'preparation',
      message: expect.stringContaining('duplicate export name'),
    });
  });
  it('control: the same module importing the memory under another export-free name prepares', async () => {
    const text = module('(call $pack (i32.const 16) (i32.const 13))', {
      memory: '(import "env" "memory" (memory 2)) (func (export "memory2"))',
    });
    expect(await prepared(text)).toMatchObject({ kind: 'prepared' });
  });
});
