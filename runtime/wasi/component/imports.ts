// Reads a component's top-level import names straight from its binary (component model,
// layer 1: `Binary.md`, the import section, id 10), without instantiating anything or starting
// wasm-tools. Prepare checks these names against the host's import map: jco's transpile result
// lists only interfaces its glue touches at run time (a types-only import such as
// `wasi:sockets/network` is missing), so policy must come from the binary itself.

/** Not a component binary, or one whose import section cannot be read. */
export class ComponentFormatError extends Error {
  override name = 'ComponentFormatError';
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const IMPORT_SECTION = 10;

/** Whether `bytes` start like a component (`\0asm`, version 0x0d, layer 1). */
export function isComponent(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    MAGIC.every((b, i) => bytes[i] === b) &&
    bytes[6] === 0x01 &&
    bytes[7] === 0x00
  );
}

/**
 * The names of a component's top-level imports, in order, e.g. `wasi:cli/stdout@0.2.3`.
 * @throws {ComponentFormatError} on a truncated or malformed import section.
 */
export function componentImportNames(bytes: Uint8Array): string[] {
  if (!isComponent(bytes)) throw new ComponentFormatError('not a component binary');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let p = 8;
  const byte = (): number => {
    if (p >= bytes.length) throw new ComponentFormatError('unexpected end of the component');
    return bytes[p++]!;
  };
  const leb = (): number => {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new ComponentFormatError('LEB128 value longer than 5 bytes');
  };
  const names: string[] = [];
  while (p < bytes.length) {
    const id = byte();
    const size = leb();
    const end = p + size;
    if (end > bytes.length) throw new ComponentFormatError('truncated section');
    if (id === IMPORT_SECTION) {
      for (let n = leb(); n > 0; n--) {
        // importname': 0x00 name (plain) or 0x01 name (legacy interface), same layout.
        const tag = byte();
        if (tag !== 0x00 && tag !== 0x01)
          throw new ComponentFormatError(`unknown import name tag 0x${tag.toString(16)}`);
        const len = leb();
        if (p + len > end) throw new ComponentFormatError('import name past its section');
        try {
          names.push(utf8.decode(bytes.subarray(p, p + len)));
        } catch {
          throw new ComponentFormatError('import name is not UTF-8');
        }
        p += len;
        skipExternDesc(byte, leb);
      }
      if (p !== end) throw new ComponentFormatError('import section length mismatch');
    }
    p = end;
  }
  return names;
}

/** Skips an `externdesc` (Binary.md): a sort byte and its type reference. */
function skipExternDesc(byte: () => number, leb: () => number): void {
  const sort = byte();
  switch (sort) {
    case 0x00: // core module: 0x11 typeidx
      byte();
      leb();
      return;
    case 0x01: // func typeidx
    case 0x04: // component typeidx
    case 0x05: // instance typeidx
      leb();
      return;
    case 0x02: // valuebound: 0x00 value idx | 0x01 valtype (a primitive byte or a typeidx)
      byte();
      leb();
      return;
    case 0x03: // type bound: eq typeidx | sub resource
      if (byte() === 0x00) leb();
      return;
    default:
      throw new ComponentFormatError(`unknown externdesc sort 0x${sort.toString(16)}`);
  }
}
