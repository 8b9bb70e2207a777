// The one way this project rewrites a module's sections, shared by both module rewriters (the
// determinism instrumentation, runtime/determinism/instrument.ts, and the memory setup,
// runtime/engine/memory-setup.ts): a section named in `edits` is rewritten by its callback,
// dropped (`null`) or, when the module lacks it, added at its place in the canonical section
// order; every other section, custom ones included, is copied byte for byte where it was.
import { SECTION_ORDER } from './sections.js';
import { SectionId, type ModuleLayout, type SectionRange } from './types.js';
import { Writer } from './writer.js';

/** Writes a section's new content, or `null` to drop the section. */
export type SectionEdit = ((w: Writer) => void) | null;

const rank = (id: number) => SECTION_ORDER[id]!;

/**
 * Re-emits `m` into `out` (a fresh writer by default) with `edits` applied. Returns a view of
 * the writer's bytes (copy it before writing more) and where each section of the output is.
 */
export function spliceSections(
  m: Pick<ModuleLayout, 'bytes' | 'sections'>,
  edits: ReadonlyMap<number, SectionEdit>,
  out: Writer = new Writer(m.bytes.length + 1024),
): { bytes: Uint8Array; sections: SectionRange[] } {
  const sections: SectionRange[] = [];
  const pending = new Map(edits);
  const emit = (id: number) => {
    const edit = pending.get(id)!;
    pending.delete(id);
    if (edit !== null) sections.push(out.section(id, edit));
  };
  const addBefore = (limit: number) => {
    for (const id of [...pending.keys()].sort((a, b) => rank(a) - rank(b)))
      if (rank(id) < limit) emit(id);
  };
  out.range(m.bytes, 0, 8);
  for (const s of m.sections) {
    if (s.id !== SectionId.Custom) {
      addBefore(rank(s.id));
      if (pending.has(s.id)) {
        emit(s.id);
        continue;
      }
    }
    const delta = out.pos - s.start;
    out.range(m.bytes, s.start, s.end);
    sections.push({
      id: s.id,
      start: s.start + delta,
      contentStart: s.contentStart + delta,
      end: s.end + delta,
    });
  }
  addBefore(Infinity);
  return { bytes: out.view(), sections };
}
