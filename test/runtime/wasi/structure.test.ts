// What a component is made of, read from its binary: the core modules in jco's file order with
// the names wit-component gives them (the preview1 adapter recognised as such), its exports,
// and `pvf inspect`'s report of each core module under the WASI feature policy.
import { componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import {
  adapterOf,
  describeCoreFile,
  readComponentStructure,
} from '../../../runtime/wasi/component/structure.js';
import { collectFeatures } from '../../../runtime/wasm/features.js';
import { inspectModule } from '../../../runtime/wasm/inspect.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import { exampleWit } from '../../../scripts/build-wasi-examples.js';
import { preview1Adapter } from '../../../scripts/wrap-preview1-component.js';
import { wat } from '../../support/wasi-pvfs.js';

let component: Uint8Array;

beforeAll(async () => {
  // A preview1 core module of world `pvf`, wrapped with the reactor adapter like `jco new`.
  const core = await wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024))
    (func (export "validate-block") (param i32 i32) (result i32) (i32.const 0)))`);
  const embedded = await componentEmbed({ binary: core, witSource: exampleWit(), world: 'pvf' });
  component = await componentNew(embedded, [
    ['wasi_snapshot_preview1', preview1Adapter('reactor')],
  ]);
});

describe('component structure', () => {
  it('lists the core modules with their names and the exports', () => {
    const s = readComponentStructure(component);
    expect(s.exports).toEqual(['validate-block']);
    expect(s.coreModules.map((m) => m.name)).toEqual([
      'main',
      'wit-component:adapter:wasi_snapshot_preview1',
      'wit-component-shim-module',
      'wit-component-fixup',
    ]);
    expect(s.coreModules.map(adapterOf)).toEqual([
      undefined,
      'wasi_snapshot_preview1',
      undefined,
      undefined,
    ]);
    for (const m of s.coreModules) expect(WebAssembly.validate(m.bytes)).toBe(true);
  });

  it("names jco's core module files by what they are", () => {
    expect(describeCoreFile(component, 'pvf.core.wasm')).toBe('pvf.core.wasm (main)');
    expect(describeCoreFile(component, 'pvf.core2.wasm')).toBe(
      'pvf.core2.wasm (the wasi_snapshot_preview1 adapter)',
    );
    expect(describeCoreFile(component, 'pvf.core9.wasm')).toBe('pvf.core9.wasm');
  });

  it('inspect shows each core module; the adapter needs the WASI policy, not the Substrate gate', () => {
    const r = inspectModule(component);
    if (r.format !== 'component') throw new Error('not a component report');
    expect(r.exports).toEqual(['validate-block']);
    const adapter = r.coreModules[1]!;
    expect(adapter).toMatchObject({
      file: 'pvf.core2.wasm',
      adapter: 'wasi_snapshot_preview1',
      refusal: undefined,
    });
    expect(adapter.features.map((f) => f.feature)).toContain('bulk-memory');
    expect(adapter.imports).toContain('env.memory'); // the main module's memory
    const bytes = readComponentStructure(component).coreModules[1]!.bytes;
    expect(makeDeterministic(bytes)).toMatchObject({ kind: 'refused', feature: 'bulk-memory' });
  });
});

describe('features of a core module', () => {
  it("reports wasm-ld's padded call_indirect table index as reference types", () => {
    // (type (func)) (table 1 funcref) (func $g) (func (call_indirect (type 0) (i32.const 0)))
    // with the table index written 0x80 0x80 0x80 0x80 0x00.
    const padded = Uint8Array.of(
      ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
      ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00],
      ...[0x03, 0x03, 0x02, 0x00, 0x00],
      ...[0x04, 0x04, 0x01, 0x70, 0x00, 0x01],
      ...[0x0a, 0x10, 0x02, 0x02, 0x00, 0x0b],
      ...[0x0b, 0x00, 0x41, 0x00, 0x11, 0x00, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0b],
    );
    expect(WebAssembly.validate(padded)).toBe(true);
    expect(collectFeatures(parseModule(padded))).toEqual([
      { feature: 'reference-types', firstFunction: 1, declaration: undefined },
    ]);
  });
});
