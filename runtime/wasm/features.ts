// Which post-MVP proposals a module uses, and where each first appears: in code (the first
// function index, imports first, whose body uses it) or in a declaration (a type, memory,
// table, global, segment). Feature gating and `pvf inspect` both read this.
import { walkCode } from './body.js';
import { Feature, FEATURE_NAMES, type FeatureName } from './opcodes.js';
import type { ValType, WasmModule } from './types.js';

/** One proposal in use: where it shows first. */
export interface FeatureUse {
  feature: FeatureName;
  /** The first function (index space incl. imports) whose body uses it, if any. */
  firstFunction: number | undefined;
  /** Where it shows outside code, e.g. `type 3 returns 2 values`, if anywhere. */
  declaration: string | undefined;
}

/** All post-MVP features `m` uses, in {@link Feature} order. Walks every function body. */
export function collectFeatures(m: WasmModule): FeatureUse[] {
  const firstFunction: (number | undefined)[] = [];
  const declaration: (string | undefined)[] = [];
  const declare = (f: Feature, where: string) => {
    declaration[f] ??= where;
  };

  const typeFeature = (t: ValType): Feature | undefined =>
    t === 'v128'
      ? Feature.Simd
      : t === 'funcref' || t === 'externref'
        ? Feature.ReferenceTypes
        : t === 'exnref'
          ? Feature.ExceptionsExnref
          : undefined;

  m.types.forEach((t, k) => {
    if (t.results.length > 1)
      declare(Feature.MultiValue, `type ${k} returns ${t.results.length} values`);
    for (const v of [...t.params, ...t.results]) {
      const f = typeFeature(v);
      if (f !== undefined) declare(f, `type ${k} uses ${v}`);
    }
  });
  const memories = [
    ...m.imports.flatMap((i) => (i.kind === 'memory' ? [i.limits] : [])),
    ...m.memories,
  ];
  memories.forEach((l, k) => {
    if (l.shared) declare(Feature.Threads, `memory ${k} is shared`);
    if (l.index64) declare(Feature.Memory64, `memory ${k} is 64-bit`);
  });
  if (memories.length > 1) declare(Feature.MultiMemory, `${memories.length} memories`);
  const tables = [...m.imports.flatMap((i) => (i.kind === 'table' ? [i.table] : [])), ...m.tables];
  if (tables.length > 1) declare(Feature.ReferenceTypes, `${tables.length} tables`);
  tables.forEach((t, k) => {
    if (t.element !== 'funcref') declare(Feature.ReferenceTypes, `table ${k} holds ${t.element}`);
  });
  if (m.tags.length > 0 || m.imports.some((i) => i.kind === 'tag'))
    declare(Feature.Exceptions, 'exception tags');
  m.globals.forEach((g, k) => {
    const f = typeFeature(g.type);
    if (f !== undefined) declare(f, `global ${k} is ${g.type}`);
    if (g.init.value.kind === 'expression')
      declare(Feature.ExtendedConst, `global ${k} has an extended constant initialiser`);
  });
  m.elements.forEach((e, k) => {
    if (e.flags & 4 || e.mode === 'declarative' || e.element !== 'funcref')
      declare(Feature.ReferenceTypes, `element segment ${k} uses flags ${e.flags}`);
    else if (e.flags !== 0)
      declare(Feature.BulkMemory, `element segment ${k} uses flags ${e.flags}`);
  });
  m.data.forEach((d, k) => {
    if (d.mode === 'passive') declare(Feature.BulkMemory, `data segment ${k} is passive`);
    if (d.memory !== 0)
      declare(Feature.MultiMemory, `data segment ${k} targets memory ${d.memory}`);
  });
  if (m.dataCount !== undefined) declare(Feature.BulkMemory, 'a data count section');

  walkCode(
    m,
    (c, funcIndex) => {
      if (c.feature !== Feature.Mvp) firstFunction[c.feature] ??= funcIndex;
      // call_indirect's table index as a longer LEB of 0 (wasm-ld's padded relocation): the
      // reference-types encoding, which the Substrate gate refuses (determinism/features.ts).
      else if (c.op === 0x11 && (c.r.bytes[c.pos - 1] !== 0 || c.r.bytes[c.pos - 2]! & 0x80))
        firstFunction[Feature.ReferenceTypes] ??= funcIndex;
    },
    (funcIndex, _count, type) => {
      const f = typeFeature(type);
      if (f !== undefined) firstFunction[f] ??= funcIndex;
    },
  );

  const out: FeatureUse[] = [];
  for (let f = 1; f < FEATURE_NAMES.length; f++)
    if (firstFunction[f] !== undefined || declaration[f] !== undefined)
      out.push({
        feature: FEATURE_NAMES[f]!,
        firstFunction: firstFunction[f],
        declaration: declaration[f],
      });
  return out;
}
