// Reads what `pvf inspect` and prepare's messages show of a component, straight from its
// binary (component model, layer 1, `Binary.md`): its top-level core modules (section 1) in
// order — jco's bindgen writes them as `<name>.core.wasm`, `<name>.core2.wasm`, … in that
// order —, the names the `component-name` section gives them (wit-component names the
// preview1 adapter `wit-component:adapter:wasi_snapshot_preview1`), and its export names
// (section 11). Nested components are not entered: wit-component puts every core module at
// the top level.
import { ComponentFormatError, isComponent } from './imports.js';

export interface ComponentCoreModule {
  /** Position among the top-level core modules (0 = jco's `.core.wasm`). */
  readonly index: number;
  /** The module's bytes (a view into the component). */
  readonly bytes: Uint8Array;
  /** Its name in the `component-name` section, e.g. `main`, if it has one. */
  readonly name: string | undefined;
}

export interface ComponentStructure {
  readonly coreModules: readonly ComponentCoreModule[];
  /** Top-level export names, e.g. `validate-block` or `wasi:cli/run@0.2.12`. */
  readonly exports: readonly string[];
}

const ADAPTER_PREFIX = 'wit-component:adapter:';

/** The adapter a core module is (`wasi_snapshot_preview1`), from its wit-component name. */
export const adapterOf = (m: ComponentCoreModule): string | undefined =>
  m.name?.startsWith(ADAPTER_PREFIX) ? m.name.slice(ADAPTER_PREFIX.length) : undefined;

/** The core module behind jco's file name `pvf.core3.wasm` (index 2). */
export function coreModuleOfFile(
  s: ComponentStructure,
  file: string,
): ComponentCoreModule | undefined {
  const m = /\.core(\d*)\.wasm$/.exec(file);
  if (!m) return undefined;
  return s.coreModules[m[1] ? Number(m[1]) - 1 : 0];
}

/**
 * jco's file name for a core module with what the component calls it, so that a refusal
 * names the part an author recognises: `pvf.core2.wasm (the wasi_snapshot_preview1 adapter)`.
 */
export function describeCoreFile(component: Uint8Array, file: string): string {
  try {
    const m = coreModuleOfFile(readComponentStructure(component), file);
    if (m === undefined || m.name === undefined) return file;
    const adapter = adapterOf(m);
    return `${file} (${adapter ? `the ${adapter} adapter` : m.name})`;
  } catch (err) {
    if (err instanceof ComponentFormatError) return file; // a name only helps
    throw err;
  }
}

/**
 * Reads the component's top-level core modules and exports.
 * @throws {ComponentFormatError} on a truncated or malformed section.
 */
export function readComponentStructure(bytes: Uint8Array): ComponentStructure {
  if (!isComponent(bytes)) throw new ComponentFormatError('not a component binary');
  const r = new ComponentReader(bytes, 8);
  const modules: { index: number; bytes: Uint8Array }[] = [];
  const exports: string[] = [];
  let moduleNames = new Map<number, string>();
  while (r.p < bytes.length) {
    const id = r.byte();
    const end = r.end(r.leb());
    if (id === 1) modules.push({ index: modules.length, bytes: bytes.subarray(r.p, end) });
    else if (id === 11)
      for (let n = r.leb(); n > 0; n--) {
        r.byte(); // exportname': 0x00 plain, 0x01 interface
        exports.push(r.name(end));
        if (r.byte() === 0x00) r.byte(); // sortidx: a core sort carries its own byte
        r.leb();
        if (r.byte() === 0x01) r.skipExternDesc(); // optional explicit type
      }
    else if (id === 0) {
      const start = r.p;
      if (r.name(end) === 'component-name') moduleNames = coreModuleNames(r, end);
      r.p = start;
    }
    r.p = end;
  }
  return {
    coreModules: modules.map((m) => ({ ...m, name: moduleNames.get(m.index) })),
    exports,
  };
}

/** Subsection 1 of `component-name` for sort `core module` (0x00 0x11): index → name. */
function coreModuleNames(r: ComponentReader, end: number): Map<number, string> {
  const out = new Map<number, string>();
  while (r.p < end) {
    const sub = r.byte();
    const subEnd = r.end(r.leb());
    if (sub === 1) {
      const sort = r.byte();
      const core = sort === 0x00 ? r.byte() : undefined;
      if (core === 0x11)
        for (let n = r.leb(); n > 0; n--) {
          const index = r.leb();
          out.set(index, r.name(subEnd));
        }
    }
    r.p = subEnd;
  }
  return out;
}

class ComponentReader {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  constructor(
    readonly bytes: Uint8Array,
    public p: number,
  ) {}

  byte(): number {
    if (this.p >= this.bytes.length)
      throw new ComponentFormatError('unexpected end of the component');
    return this.bytes[this.p++]!;
  }

  leb(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new ComponentFormatError('LEB128 value longer than 5 bytes');
  }

  end(size: number): number {
    const end = this.p + size;
    if (end > this.bytes.length) throw new ComponentFormatError('truncated section');
    return end;
  }

  name(limit: number): string {
    const len = this.leb();
    if (this.p + len > limit) throw new ComponentFormatError('name past its section');
    try {
      return this.utf8.decode(this.bytes.subarray(this.p, (this.p += len)));
    } catch {
      throw new ComponentFormatError('name is not UTF-8');
    }
  }

  /** Skips an `externdesc`: a sort byte and its type reference (as imports.ts does). */
  skipExternDesc(): void {
    const sort = this.byte();
    switch (sort) {
      case 0x00: // core module: 0x11 typeidx
      case 0x02: // value bound: 0x00 value idx | 0x01 valtype
        this.byte();
        this.leb();
        return;
      case 0x01: // func, component, instance: typeidx
      case 0x04:
      case 0x05:
        this.leb();
        return;
      case 0x03: // type bound: eq typeidx | sub resource
        if (this.byte() === 0x00) this.leb();
        return;
      default:
        throw new ComponentFormatError(`unknown externdesc sort 0x${sort.toString(16)}`);
    }
  }
}
