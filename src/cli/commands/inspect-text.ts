// The text form of `pvf inspect`: one labelled line per fact, then the import and export lists.
import type { FeatureUse } from '../../../runtime/wasm/features.js';
import type { ImportInfo, MemoryShape, ModuleReport } from '../../../runtime/wasm/inspect.js';
import { limitsText } from '../../../runtime/wasm/inspect.js';
import type { Limits } from '../../../runtime/wasm/types.js';
import type { BlobInspection } from './inspect.js';

const n = (v: number) => v.toLocaleString('en-US');
const line = (label: string, text: string) => `${label.padEnd(13)}${text}\n`;
const hex = (b: Uint8Array) => '0x' + Buffer.from(b).toString('hex');

export function renderInspect(r: BlobInspection): string {
  const b = r.blob;
  let out = line('file', r.file);
  out += line(
    'blob',
    b.compressed
      ? `${n(b.size)} bytes, zstd with the ${b.type} prefix → ${n(b.codeSize)} bytes`
      : `${n(b.size)} bytes, not compressed`,
  );
  out += line('code hash', `${b.codeHash} (BLAKE2b-256 of the blob as submitted)`);
  if (r.format === 'component') {
    out += line('format', 'component (component model, layer 1)');
    out += line('abi', r.abi);
    if (r.imports === undefined) out += line('imports', `unreadable: ${r.importsError}`);
    else {
      out += line('imports', String(r.imports.length));
      for (const name of r.imports) out += `  ${name}\n`;
    }
    if (r.exports !== undefined) {
      out += line('exports', String(r.exports.length));
      for (const name of r.exports) out += `  ${name}\n`;
    }
    out += line('core modules', String(r.coreModules.length));
    for (const m of r.coreModules) {
      const what = m.adapter ? `the ${m.adapter} adapter` : m.name;
      out += `  ${m.file}${what ? ` (${what})` : ''}: ${n(m.size)} bytes\n`;
      out += `    features   ${featuresText(m.features)}\n`;
      out += `    imports    ${m.imports === undefined ? 'unreadable' : m.imports.length === 0 ? 'none' : m.imports.join(', ')}\n`;
      out += `    WASI ABIs  ${m.refusal === undefined ? 'accepted' : `refused: ${m.refusal}`}\n`;
    }
    return out + denied(r.deniedImports);
  }
  return out + renderModule(r);
}

function renderModule(r: ModuleReport): string {
  let out = line('format', 'core module');
  out += line('abi', abiText(r));
  const v = r.runtimeVersion;
  out += line(
    'runtime',
    v
      ? `${v.specName} ${v.specVersion} (impl ${v.implName} ${v.implVersion}, authoring ` +
          `${v.authoringVersion}, transaction ${v.transactionVersion}, system ${v.systemVersion}, ` +
          `${v.apis.length} APIs)`
      : r.runtimeVersionError
        ? `runtime_version section unreadable: ${r.runtimeVersionError}`
        : 'no runtime_version section',
  );
  out += line('memory', memoryText(r.memory));
  out += line('heap', `__heap_base ${r.heapBase ?? 'absent'}, __data_end ${r.dataEnd ?? 'absent'}`);
  out += line('start', r.start === undefined ? 'none' : `function ${r.start}`);
  out += line(
    'tables',
    r.tables.length === 0
      ? 'none'
      : r.tables
          .map((t) => `${t.imported ? 'imported ' : ''}${t.element} ${limitsText(t.limits)}`)
          .join('; '),
  );
  out += line('features', featuresText(r.features));
  out += line(
    'functions',
    `${n(r.counts.functions)} defined, ${r.counts.importedFunctions} imported, ${r.counts.types} types`,
  );
  out += line(
    'custom',
    r.customSections.length === 0
      ? 'none'
      : r.customSections.map((s) => `${s.name} (${n(s.size)} B)`).join(', '),
  );
  const stubbed = new Set(r.stubbedImports);
  const deniedSet = new Set(r.deniedImports.map((d) => d.import));
  out += line(
    'imports',
    `${r.imports.length} (${r.stubbedImports.length} stubbed: they trap only if called; ` +
      `${r.deniedImports.length} denied)`,
  );
  for (const i of r.imports)
    out += `  ${importTag(i, stubbed, deniedSet)} ${i.module}.${i.name}: ${i.kind} ${i.type}\n`;
  out += line('exports', String(r.exports.length));
  for (const e of r.exports) out += `  ${e.name}: ${e.kind}${e.type ? ' ' + e.type : ''}\n`;
  if (v && v.apis.length > 0) {
    out += line('apis', String(v.apis.length));
    for (const [id, version] of v.apis) out += `  ${hex(id)} v${version}\n`;
  }
  return out + denied(r.deniedImports);
}

function featuresText(features: FeatureUse[]): string {
  return features.length === 0
    ? 'none beyond the MVP'
    : features
        .map(
          (f) =>
            f.feature +
            (f.firstFunction !== undefined ? ` (first in function ${f.firstFunction})` : '') +
            (f.declaration ? ` (${f.declaration})` : ''),
        )
        .join(', ');
}

function abiText(r: ModuleReport): string {
  switch (r.abi) {
    case 'substrate':
      return 'substrate (exports validate_block: (i32, i32) -> i64)';
    case 'wasi-p1':
      return 'wasi-p1 (imports wasi_snapshot_preview1)';
    case 'component':
      return 'component';
    case 'unknown':
      return 'unknown (no validate_block: (i32, i32) -> i64 export, no WASI imports)';
  }
}

function memoryText(m: MemoryShape): string {
  switch (m.kind) {
    case 'imported':
      return `imported ${m.module}.${m.name}, ${pages(m.limits)}`;
    case 'exported':
      return `own, exported as "${m.name}", ${pages(m.limits)}`;
    case 'internal':
      return `own, not exported, ${pages(m.limits)}`;
    case 'none':
      return 'none';
  }
}

const pages = (l: Limits) => `${limitsText(l)} pages${l.max === undefined ? ' (no maximum)' : ''}`;

function importTag(i: ImportInfo, stubbed: Set<string>, denied: Set<string>): string {
  const key = `${i.module}.${i.name}`;
  return denied.has(key) ? '[denied]' : stubbed.has(key) ? '[stub]  ' : '        ';
}

function denied(list: { import: string; reason: string }[]): string {
  return list.map((d) => line('denied', `${d.import}: ${d.reason}`)).join('');
}
