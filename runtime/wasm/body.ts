// Function bodies: the local declarations that precede the code (§5.5.13), and a walk over
// every instruction of a module. Both read straight from the module bytes.
import { InstructionCursor } from './instructions.js';
import { Reader } from './reader.js';
import { valType } from './sections.js';
import type { FunctionBody, ValType, WasmModule } from './types.js';

/** Where a body's code starts and how many locals it declares (besides its parameters). */
export interface BodyLayout {
  codeStart: number;
  localCount: number;
}

// The spec bounds the total local count by 2^32; V8 refuses more than 50000
// (kV8MaxWasmFunctionLocals), which it reports itself when compiling.
const MAX_LOCALS = 2 ** 32 - 1;

/**
 * Reads the local declarations of `body`; `onLocals` sees each `(count, type)` group.
 * Throws `WasmParseError` on malformed declarations.
 */
export function readLocals(
  bytes: Uint8Array,
  body: FunctionBody,
  onLocals?: (count: number, type: ValType) => void,
): BodyLayout {
  const r = new Reader(bytes, body.start, body.end);
  const groups = r.u32();
  let localCount = 0;
  for (let k = 0; k < groups; k++) {
    const at = r.pos;
    const count = r.u32();
    const type = valType(r);
    localCount += count;
    if (localCount > MAX_LOCALS) r.fail('too many locals', at);
    onLocals?.(count, type);
  }
  return { codeStart: r.pos, localCount };
}

/**
 * Walks every instruction of every defined function. `visit` receives the shared cursor
 * (valid only during the call) and the function's index in the module's function index
 * space (imported functions first). Throws `WasmParseError` on malformed code.
 */
export function walkCode(
  m: WasmModule,
  visit: (cursor: InstructionCursor, funcIndex: number) => void,
  onLocals?: (funcIndex: number, count: number, type: ValType) => void,
): void {
  const importedFuncs = m.imports.reduce((n, i) => n + (i.kind === 'func' ? 1 : 0), 0);
  const cursor = new InstructionCursor(m.bytes);
  for (let k = 0; k < m.code.length; k++) {
    const body = m.code[k]!;
    const funcIndex = importedFuncs + k;
    const { codeStart } = readLocals(
      m.bytes,
      body,
      onLocals && ((count, type) => onLocals(funcIndex, count, type)),
    );
    cursor.reset(codeStart, body.end);
    while (cursor.next()) visit(cursor, funcIndex);
  }
}
