// The section splice both module rewriters use: rewritten, dropped and added sections land at
// their canonical place, everything else (custom sections too) is copied where it was.
import { describe, expect, it } from 'vitest';
import { parseModule } from '../../../runtime/wasm/sections.js';
import { spliceSections, type SectionEdit } from '../../../runtime/wasm/splice.js';
import { SectionId } from '../../../runtime/wasm/types.js';
import { wat } from '../../support/wat.js';
import { name, section } from '../../support/wasm-bytes.js';

const ids = (bytes: Uint8Array) => parseModule(bytes).sections.map((s) => s.id);

describe('spliceSections', () => {
  it('rewrites, drops and adds sections in canonical order, keeping custom sections', async () => {
    const base = await wat(`(module (memory 1) (func (export "f") (result i32) i32.const 7))`);
    const custom = section(0, [...name('note'), 1, 2, 3]);
    const bytes = Uint8Array.from([...base, ...custom]);
    const m = parseModule(bytes);
    expect(ids(bytes)).toEqual([
      SectionId.Type,
      SectionId.Function,
      SectionId.Memory,
      SectionId.Export,
      SectionId.Code,
      SectionId.Custom,
    ]);
    const out = spliceSections(
      m,
      new Map<number, SectionEdit>([
        [SectionId.Memory, null], // dropped
        [SectionId.Global, (w) => w.bytes(Uint8Array.of(1, 0x7f, 0x00, 0x41, 0x05, 0x0b))], // added
        [SectionId.Export, (w) => w.bytes(Uint8Array.of(0))], // rewritten: no exports
      ]),
    );
    expect(ids(out.bytes)).toEqual([
      SectionId.Type,
      SectionId.Function,
      SectionId.Global,
      SectionId.Export,
      SectionId.Code,
      SectionId.Custom,
    ]);
    expect(WebAssembly.validate(out.bytes)).toBe(true);
    // The reported ranges are those of the output.
    expect(out.sections.map((s) => s.id)).toEqual(ids(out.bytes));
    const last = out.sections.at(-1)!;
    expect([...out.bytes.subarray(last.start, last.end)]).toEqual(custom);
  });

  it('with no edits copies the module byte for byte', async () => {
    const bytes = await wat(`(module (memory 1) (data (i32.const 0) "x"))`);
    expect(spliceSections(parseModule(bytes), new Map()).bytes).toEqual(bytes);
  });
});
