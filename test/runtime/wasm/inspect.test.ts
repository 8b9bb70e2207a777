import { describe, expect, it } from 'vitest';
import { decompressCode } from '../../../runtime/blob/code-blob.js';
import { inspectModule, type ModuleReport } from '../../../runtime/wasm/inspect.js';
import { isPvfHostFunction } from '../../../runtime/wasm/pvf-imports.js';
import { WasmParseError } from '../../../runtime/wasm/reader.js';
import { CUMULUS_RUNTIMES, fixture, HAVE_FIXTURES } from '../../support/fixtures.js';
import {
  funcType,
  HEADER,
  I32,
  I64,
  memorySection,
  module,
  name,
  oneFunction,
  section,
  u32,
  v8Validates,
  vec,
} from '../../support/wasm-bytes.js';

const asModule = (r: ReturnType<typeof inspectModule>): ModuleReport => {
  if (r.format !== 'module') throw new Error('expected a core module');
  return r;
};

const funcImport = (mod: string, field: string, type: number) => [
  ...name(mod),
  ...name(field),
  0x00,
  ...u32(type),
];
const exportEntry = (field: string, kind: number, index: number) => [
  ...name(field),
  kind,
  ...u32(index),
];

describe('inspectModule on hand-made modules', () => {
  it('classifies a wasi-p1 module and denies its socket imports, naming the reason', () => {
    const wasm = oneFunction({
      types: [funcType([I32, I32], [I64]), funcType([I32, I32, I32, I32, I32], [I32])],
      before: [
        section(
          2,
          vec([
            funcImport('wasi_snapshot_preview1', 'fd_write', 1),
            funcImport('wasi_snapshot_preview1', 'sock_send', 1),
          ]),
        ),
      ],
      middle: [memorySection(1), section(7, vec([exportEntry('validate_block', 0, 2)]))],
      code: [0x42, 0x00],
    });
    expect(v8Validates(wasm)).toBe(true);
    const r = asModule(inspectModule(wasm));
    expect(r.abi).toBe('wasi-p1');
    expect(r.deniedImports).toEqual([
      {
        import: 'wasi_snapshot_preview1.sock_send',
        reason: expect.stringMatching(/^a WASI socket function\. PVFs may not use the network/),
      },
    ]);
    expect(r.stubbedImports).toEqual([]);
    expect(r.memory).toMatchObject({ kind: 'internal', limits: { min: 1 } });
  });

  it('denies a core import from a wasi:sockets or wasi:http interface', () => {
    const wasm = oneFunction({
      before: [section(2, vec([funcImport('wasi:http/outgoing-handler@0.2.0', 'handle', 0)]))],
      code: [],
    });
    const r = asModule(inspectModule(wasm));
    expect(r.deniedImports.map((d) => d.import)).toEqual([
      'wasi:http/outgoing-handler@0.2.0.handle',
    ]);
    expect(r.abi).toBe('unknown');
  });

  it('needs the exact validate_block signature for the substrate ABI', () => {
    const make = (params: number[], results: number[]) =>
      oneFunction({
        types: [funcType(params, results)],
        middle: [section(7, vec([exportEntry('validate_block', 0, 0)]))],
        code: results.length ? [0x42, 0x00] : [],
      });
    expect(inspectModule(make([I32, I32], [I64])).abi).toBe('substrate');
    expect(inspectModule(make([I32, I32], [])).abi).toBe('unknown');
    expect(inspectModule(make([I32], [I64])).abi).toBe('unknown');
  });

  it('reports stubbed env imports, exported memory, heap globals and a start function', () => {
    const global = (v: number) => [I32, 0x00, 0x41, ...u32(v), 0x0b];
    const wasm = oneFunction({
      before: [
        section(
          2,
          vec([
            funcImport('env', 'ext_hashing_twox_64_version_1', 0),
            funcImport('env', 'ext_storage_get_version_1', 0),
          ]),
        ),
      ],
      middle: [
        memorySection(2, 16),
        section(6, vec([global(0x100), global(0x80)])),
        section(
          7,
          vec([
            exportEntry('memory', 2, 0),
            exportEntry('__heap_base', 3, 0),
            exportEntry('__data_end', 3, 1),
          ]),
        ),
        section(8, u32(2)),
      ],
      code: [],
    });
    expect(v8Validates(wasm)).toBe(true);
    const r = asModule(inspectModule(wasm));
    expect(r.stubbedImports).toEqual(['env.ext_storage_get_version_1']);
    expect(r.memory).toEqual({
      kind: 'exported',
      name: 'memory',
      limits: { min: 2, max: 16, shared: false, index64: false },
    });
    expect([r.heapBase, r.dataEnd, r.start]).toEqual([0x100, 0x80, 2]);
    expect(r.imports[0]).toMatchObject({ kind: 'func', type: '() -> ()' });
  });

  it('reports features with the first function using them', () => {
    const wasm = module(
      section(1, vec([funcType([], [])])),
      section(3, vec([[0], [0]])),
      section(
        10,
        vec([
          [3, 0, 0x01, 0x0b], // function 0: nop
          [6, 0, 0x41, 0x01, 0xc0, 0x1a, 0x0b], // function 1: i32.extend8_s
        ]),
      ),
    );
    expect(v8Validates(wasm)).toBe(true);
    expect(asModule(inspectModule(wasm)).features).toEqual([
      { feature: 'sign-extension', firstFunction: 1, declaration: undefined },
    ]);
  });

  it('reads a component header and its import names', () => {
    const importName = (n: string) => [0x00, ...name(n), 0x05, 0x00];
    const component = new Uint8Array([
      ...HEADER.slice(0, 4),
      0x0d,
      0x00,
      0x01,
      0x00,
      ...section(
        10,
        vec([importName('wasi:cli/stdout@0.2.0'), importName('wasi:sockets/tcp@0.2.0')]),
      ),
    ]);
    const r = inspectModule(component);
    expect(r).toMatchObject({
      format: 'component',
      abi: 'component',
      imports: ['wasi:cli/stdout@0.2.0', 'wasi:sockets/tcp@0.2.0'],
    });
    expect(r.deniedImports.map((d) => d.import)).toEqual(['wasi:sockets/tcp@0.2.0']);
  });

  it.each([
    ['empty input', []],
    ['random bytes', [0x13, 0x37, 0xca, 0xfe, 0xba, 0xbe, 0x00, 0x11, 0x22]],
    ['a truncated module', [...HEADER, 0x01, 0x10, 0x01]],
    ['wrong version', [0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00]],
  ])('throws WasmParseError on %s', (_what, bytes) => {
    expect(() => inspectModule(new Uint8Array(bytes))).toThrow(WasmParseError);
  });
});

describe.runIf(HAVE_FIXTURES)(
  'inspectModule on the real PVFs (facts from fixtures/README.md)',
  () => {
    // Each report is made once: a full inspection walks every instruction of the runtime.
    const reports = new Map<string, Promise<ModuleReport>>();
    const load = (file: string): Promise<ModuleReport> => {
      let report = reports.get(file);
      if (!report) {
        report = decompressCode(fixture(file)).then((r) => {
          if (r.kind !== 'ok') throw new Error(`${file}: ${r.kind}`);
          return asModule(inspectModule(r.bytes));
        });
        reports.set(file, report);
      }
      return report;
    };

    it('adder: exports its memory and heap globals, imports only ext_logging_log_version_1', async () => {
      const r = await load('pvf/adder.wasm');
      expect(r.abi).toBe('substrate');
      expect(r.memory).toMatchObject({ kind: 'exported', name: 'memory' });
      expect(r.imports.map((i) => `${i.module}.${i.name}`)).toEqual([
        'env.ext_logging_log_version_1',
      ]);
      expect(r.exports.find((e) => e.name === 'validate_block')?.type).toBe('(i32, i32) -> i64');
      expect(r.heapBase).toBeGreaterThan(0);
      expect(r.dataEnd).toBeGreaterThan(0);
      expect(r.heapBase! >= r.dataEnd!).toBe(true);
      expect(r.runtimeVersion).toBeUndefined();
      expect(r.stubbedImports).toEqual([]);
      expect(r.features).toEqual([]);
      expect(r.start).toBeUndefined();
    });

    // Total imports (functions + env.memory) per runtime.
    const IMPORTS: Record<string, number> = {
      'template-parachain': 42, // "env.memory and 41 host functions"
      statemine: 40,
      acala: 52,
      shibuya: 44,
      moonbase: 45,
    };

    it.each(CUMULUS_RUNTIMES)(
      '$specName: imported env.memory, host allocator, runtime_version',
      async ({ file, specName }) => {
        const r = await load(file);
        expect(r.abi).toBe('substrate');
        expect(r.imports).toHaveLength(IMPORTS[specName]!);
        expect(r.memory).toMatchObject({ kind: 'imported', module: 'env', name: 'memory' });
        if (r.memory.kind === 'imported') expect(r.memory.limits.max).toBeUndefined();
        const names = r.imports.map((i) => i.name);
        expect(names).toContain('ext_allocator_malloc_version_1');
        expect(names).toContain('ext_allocator_free_version_1');
        expect(r.customSections.map((s) => s.name)).toEqual(
          expect.arrayContaining(['runtime_version', 'runtime_apis']),
        );
        expect(r.runtimeVersion?.specName).toBe(specName);
        expect(r.runtimeVersionError).toBeUndefined();
        expect(r.features).toEqual([]); // plain MVP
        expect(r.start).toBeUndefined();
        expect(r.deniedImports).toEqual([]);
        expect(r.heapBase).toBeGreaterThan(0);
        // Every env function import is either a PVF host function or stubbed.
        const funcs = r.imports.filter((i) => i.kind === 'func');
        expect(r.stubbedImports).toEqual(
          funcs.filter((i) => !isPvfHostFunction(i.name)).map((i) => `env.${i.name}`),
        );
        expect(r.stubbedImports).toContain('env.ext_storage_get_version_1');
      },
    );

    it('Moonbase imports storage_proof_size and panic_handler (both stubbed) and reads spec 4300', async () => {
      const r = await load('pvf/moonbase-4300.compact.compressed.wasm');
      expect(r.stubbedImports).toEqual(
        expect.arrayContaining([
          'env.ext_storage_proof_size_storage_proof_size_version_1',
          'env.ext_panic_handler_abort_on_panic_version_1',
        ]),
      );
      expect(r.runtimeVersion).toMatchObject({ specName: 'moonbase', specVersion: 4300 });
    });

    it('the five runtimes import 55 distinct host functions between them', async () => {
      // fixtures/README.md says 58; V8's WebAssembly.Module.imports agrees with our 55.
      const all = new Set<string>();
      for (const { file } of CUMULUS_RUNTIMES)
        for (const i of (await load(file)).imports) if (i.kind === 'func') all.add(i.name);
      expect(all.size).toBe(55);
      const families = new Set([...all].map((n) => n.split('_')[1]));
      for (const f of [
        'allocator',
        'hashing',
        'crypto',
        'logging',
        'misc',
        'storage',
        'trie',
        'offchain',
      ])
        expect(families).toContain(f);
    });
  },
);
