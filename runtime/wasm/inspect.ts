// `inspectModule`: what a PVF binary is and needs, read without instantiating it — its ABI,
// imports and exports with signatures, memory shape, heap layout globals, tables, custom
// sections (with the embedded runtime version) and the post-MVP features it uses.
import { CodecError } from '../codec/strict.js';
import { readEmbeddedVersion, type RuntimeVersion } from '../codec/runtime-version.js';
import { makeDeterministic } from '../determinism/prepare.js';
import { componentImportNames, isComponent } from '../wasi/component/imports.js';
import { adapterOf, readComponentStructure } from '../wasi/component/structure.js';
import { WasmParseError } from './reader.js';
import { PREVIEW1_MODULE } from '../wasi/preview1/names.js';
import { collectFeatures, type FeatureUse } from './features.js';
import {
  deniedComponentImport,
  deniedCoreImport,
  isPvfHostFunction,
  isReferenceOnlyHostFunction,
} from './pvf-imports.js';
import { parseModule } from './sections.js';
import type { ExternalKind, FuncType, Limits, TableType, WasmModule } from './types.js';

/**
 * The calling convention a PVF follows: `substrate` exports `validate_block: (i32, i32) -> i64`
 * over the sp-io host functions; `wasi-p1` imports `wasi_snapshot_preview1`; `component` is a
 * component-model binary; anything else is `unknown`.
 */
export type Abi = 'substrate' | 'wasi-p1' | 'component' | 'unknown';

export interface ImportInfo {
  module: string;
  name: string;
  kind: ExternalKind;
  /** A function's signature, e.g. `(i32, i64) -> i64`; a table/memory/global's type. */
  type: string;
}

export interface ExportInfo {
  name: string;
  kind: ExternalKind;
  index: number;
  type: string | undefined;
}

export type MemoryShape =
  | { kind: 'imported'; module: string; name: string; limits: Limits }
  | { kind: 'exported'; name: string; limits: Limits }
  | { kind: 'internal'; limits: Limits }
  | { kind: 'none' };

export interface DeniedImport {
  import: string;
  reason: string;
}

export interface ModuleReport {
  format: 'module';
  abi: Abi;
  imports: ImportInfo[];
  exports: ExportInfo[];
  memory: MemoryShape;
  /** Values of the exported i32 globals `__heap_base` / `__data_end` when constant. */
  heapBase: number | undefined;
  dataEnd: number | undefined;
  start: number | undefined;
  tables: (TableType & { imported: boolean })[];
  customSections: { name: string; size: number }[];
  runtimeVersion: RuntimeVersion | undefined;
  /** Why the `runtime_version`/`runtime_apis` sections could not be decoded, if so. */
  runtimeVersionError: string | undefined;
  features: FeatureUse[];
  deniedImports: DeniedImport[];
  /** `env` function imports the host does not serve (registry): linked to trapping stubs. */
  stubbedImports: string[];
  /**
   * The subset of `stubbedImports` that Polkadot's PVF host serves: a call ends invalid here
   * and may not there.
   */
  referenceServedStubs: string[];
  counts: { types: number; functions: number; importedFunctions: number; globals: number };
}

export interface ComponentReport {
  format: 'component';
  abi: 'component';
  /** Top-level import names, e.g. `wasi:cli/stdout@0.2.3`; undefined if unreadable. */
  imports: string[] | undefined;
  importsError: string | undefined;
  deniedImports: DeniedImport[];
  /** Top-level export names, e.g. `validate-block`; undefined if unreadable. */
  exports: string[] | undefined;
  /** The top-level core modules, in the order jco numbers its `.coreN.wasm` files. */
  coreModules: CoreModuleReport[];
}

/** One core module inside a component. */
export interface CoreModuleReport {
  /** jco's file name for it, as prepare's messages use it: `pvf.core2.wasm`. */
  file: string;
  /** Its name in the component (`main`, `wit-component:adapter:…`), if any. */
  name: string | undefined;
  /** The preview1 adapter it is (`wasi_snapshot_preview1`), if it is one. */
  adapter: string | undefined;
  size: number;
  /** `module.name` of each import; undefined when the module does not parse. */
  imports: string[] | undefined;
  features: FeatureUse[];
  /** Why the WASI ABIs' feature policy refuses it, if it does (the refusal prepare gives). */
  refusal: string | undefined;
}

export type InspectReport = ModuleReport | ComponentReport;

export const signature = (t: FuncType | undefined): string =>
  t === undefined ? '<unknown type>' : `(${t.params.join(', ')}) -> ${resultText(t.results)}`;
const resultText = (r: string[]) => (r.length === 1 ? r[0]! : `(${r.join(', ')})`);
export const limitsText = (l: Limits): string =>
  `${l.index64 ? 'i64 ' : ''}min ${l.min}${l.max === undefined ? '' : `, max ${l.max}`}` +
  (l.shared ? ', shared' : '');

/**
 * Inspects a (decompressed) core module or component.
 * @throws {WasmParseError} if `bytes` is not a well-formed module.
 */
export function inspectModule(bytes: Uint8Array): InspectReport {
  if (isComponent(bytes)) return inspectComponent(bytes);
  const m = parseModule(bytes);
  const funcTypes = [
    ...m.imports.flatMap((i) => (i.kind === 'func' ? [i.type] : [])),
    ...m.functions,
  ];
  const funcSignature = (index: number) => signature(m.types[funcTypes[index] ?? -1]);
  const importedGlobals = m.imports.filter((i) => i.kind === 'global').length;

  const imports: ImportInfo[] = m.imports.map((i) => ({
    module: i.module,
    name: i.name,
    kind: i.kind,
    type:
      i.kind === 'func' || i.kind === 'tag'
        ? signature(m.types[i.type])
        : i.kind === 'memory'
          ? limitsText(i.limits)
          : i.kind === 'table'
            ? `${i.table.element}, ${limitsText(i.table.limits)}`
            : `${i.global.mutable ? 'mut ' : ''}${i.global.type}`,
  }));
  const exports: ExportInfo[] = m.exports.map((e) => ({
    ...e,
    type: e.kind === 'func' ? funcSignature(e.index) : undefined,
  }));
  const exportedGlobal = (name: string): number | undefined => {
    const e = m.exports.find((x) => x.kind === 'global' && x.name === name);
    if (!e || e.index < importedGlobals) return undefined;
    const init = m.globals[e.index - importedGlobals]?.init.value;
    return init?.kind === 'i32.const' ? init.value >>> 0 : undefined;
  };

  const section = (name: string) => {
    const s = m.customSections.find((c) => c.name === name);
    return s && bytes.subarray(s.start, s.end);
  };
  let runtimeVersion: RuntimeVersion | undefined;
  let runtimeVersionError: string | undefined;
  try {
    runtimeVersion = readEmbeddedVersion(section('runtime_version'), section('runtime_apis'));
  } catch (err) {
    if (!(err instanceof CodecError)) throw err;
    runtimeVersionError = err.message;
  }

  const deniedImports = m.imports.flatMap((i) => {
    const reason = deniedCoreImport(i.module, i.name);
    return reason ? [{ import: `${i.module}.${i.name}`, reason }] : [];
  });
  const stubbedImports = m.imports
    .filter((i) => i.module === 'env' && i.kind === 'func' && !isPvfHostFunction(i.name))
    .map((i) => `${i.module}.${i.name}`);
  const referenceServedStubs = stubbedImports.filter((i) =>
    isReferenceOnlyHostFunction(i.slice('env.'.length)),
  );

  return {
    format: 'module',
    abi: classify(m, funcSignature),
    imports,
    exports,
    memory: memoryShape(m),
    heapBase: exportedGlobal('__heap_base'),
    dataEnd: exportedGlobal('__data_end'),
    start: m.start,
    tables: [
      ...m.imports.flatMap((i) => (i.kind === 'table' ? [{ ...i.table, imported: true }] : [])),
      ...m.tables.map((t) => ({ ...t, imported: false })),
    ],
    customSections: m.customSections.map((c) => ({ name: c.name, size: c.end - c.start })),
    runtimeVersion,
    runtimeVersionError,
    features: collectFeatures(m),
    deniedImports,
    stubbedImports,
    referenceServedStubs,
    counts: {
      types: m.types.length,
      functions: m.functions.length,
      importedFunctions: funcTypes.length - m.functions.length,
      globals: importedGlobals + m.globals.length,
    },
  };
}

function classify(m: WasmModule, funcSignature: (index: number) => string): Abi {
  if (m.imports.some((i) => i.module === PREVIEW1_MODULE)) return 'wasi-p1';
  const entry = m.exports.find((e) => e.kind === 'func' && e.name === 'validate_block');
  if (entry && funcSignature(entry.index) === '(i32, i32) -> i64') return 'substrate';
  return 'unknown';
}

function memoryShape(m: WasmModule): MemoryShape {
  const imported = m.imports.find((i) => i.kind === 'memory');
  if (imported?.kind === 'memory')
    return {
      kind: 'imported',
      module: imported.module,
      name: imported.name,
      limits: imported.limits,
    };
  const own = m.memories[0];
  if (!own) return { kind: 'none' };
  const exported = m.exports.find((e) => e.kind === 'memory' && e.index === 0);
  return exported
    ? { kind: 'exported', name: exported.name, limits: own }
    : { kind: 'internal', limits: own };
}

function inspectComponent(bytes: Uint8Array): ComponentReport {
  let imports: string[] | undefined;
  let importsError: string | undefined;
  try {
    imports = componentImportNames(bytes);
  } catch (err) {
    importsError = (err as Error).message;
  }
  let exports: string[] | undefined;
  let coreModules: CoreModuleReport[] = [];
  try {
    const s = readComponentStructure(bytes);
    exports = [...s.exports];
    coreModules = s.coreModules.map((m) => inspectCore(m.index, m.bytes, m.name, adapterOf(m)));
  } catch (err) {
    importsError ??= (err as Error).message;
  }
  return {
    format: 'component',
    abi: 'component',
    imports,
    importsError,
    deniedImports: (imports ?? []).flatMap((name) => {
      const reason = deniedComponentImport(name);
      return reason ? [{ import: name, reason }] : [];
    }),
    exports,
    coreModules,
  };
}

function inspectCore(
  index: number,
  bytes: Uint8Array,
  name: string | undefined,
  adapter: string | undefined,
): CoreModuleReport {
  const file = `pvf.core${index === 0 ? '' : index + 1}.wasm`;
  const det = makeDeterministic(bytes, { policy: 'wasi' });
  const refusal = det.kind === 'refused' ? det.message : undefined;
  try {
    const m = parseModule(bytes);
    const imports = m.imports.map((i) => `${i.module}.${i.name}`);
    return {
      file,
      name,
      adapter,
      size: bytes.length,
      imports,
      features: collectFeatures(m),
      refusal,
    };
  } catch (err) {
    if (!(err instanceof WasmParseError)) throw err;
    return { file, name, adapter, size: bytes.length, imports: undefined, features: [], refusal };
  }
}
