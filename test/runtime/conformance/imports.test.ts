// Conformance corpus, imports: the reference links `env` functions from its `HostFunctions`
// (polkadot/node/core/pvf/common/src/executor_interface.rs: sp-io misc, crypto, hashing,
// allocator, logging, trie) with `allow_missing_func_imports: true`
// (substrate/client/executor/wasmtime/src/imports.rs `prepare_imports`): a served name must have
// its exact signature, anything else becomes a stub that traps only when called. `pvf inspect`
// reports the same classification, read from the same registry.
import { describe, expect, it } from 'vitest';
import { prepare } from '../../../runtime/engine/index.js';
import { PVF_HOST_FUNCTIONS, REFERENCE_ONLY } from '../../../runtime/host/registry.js';
import { inspectModule, type ModuleReport } from '../../../runtime/wasm/inspect.js';
import { wat } from '../../support/wat.js';

const HEAD = `(memory (export "memory") 1) (global (export "__heap_base") i32 (i32.const 1024))`;
const withImport = (name: string, type: string) =>
  wat(`(module (import "env" "${name}" (func ${type})) ${HEAD})`);

describe('linking follows the reference set', () => {
  it('a served function links only with its exact signature (trie proof verification)', async () => {
    const name = 'ext_trie_blake2_256_verify_proof_version_1';
    const wrong = await withImport(name, '(param i32) (result i32)');
    expect(prepare(wrong)).toMatchObject({ kind: 'prepare-error', reason: 'signature-mismatch' });
    const right = await withImport(name, '(param i32 i64 i64 i64) (result i32)');
    expect(prepare(right)).toMatchObject({ kind: 'prepared' });
  });

  it('panic_handler is outside the reference set: any signature links (to a stub)', async () => {
    const name = 'ext_panic_handler_abort_on_panic_version_1';
    expect(prepare(await withImport(name, '(param i32 i32)'))).toMatchObject({
      kind: 'prepared',
    });
    // control: a served function with the same wrong signature is refused
    expect(
      prepare(await withImport('ext_hashing_blake2_256_version_1', '(param i32 i32)')),
    ).toMatchObject({ kind: 'prepare-error', reason: 'signature-mismatch' });
  });

  it('the served and the reference-only sets are disjoint and cover only the six families', () => {
    for (const name of REFERENCE_ONLY.keys()) expect(PVF_HOST_FUNCTIONS.has(name)).toBe(false);
    for (const name of [...PVF_HOST_FUNCTIONS.keys(), ...REFERENCE_ONLY.keys()])
      expect(name).toMatch(/^ext_(misc|crypto|hashing|allocator|logging|trie)_/);
  });
});

describe('pvf inspect reads served / stubbed from the registry', () => {
  it('served functions (trie proof verification among them) and stubs (ext_input_*)', async () => {
    const code = await wat(`(module
      (import "env" "ext_trie_keccak_256_verify_proof_version_2" (func (param i32 i64 i64 i64 i32) (result i32)))
      (import "env" "ext_input_read_version_1" (func (param i64)))
      (import "env" "ext_hashing_twox_64_version_1" (func (param i64) (result i32)))
      ${HEAD})`);
    const r = inspectModule(code) as ModuleReport;
    expect(r.stubbedImports).toEqual(['env.ext_input_read_version_1']);
    // The reference serves its whole set here too: no function it serves is a stub.
    expect(r.referenceServedStubs).toEqual([]);
    expect(REFERENCE_ONLY.size).toBe(0);
  });
});
