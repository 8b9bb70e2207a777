// jco's sync-instantiation glue, rewritten so that one evaluation serves many validations.
//
// Why: the glue's `instantiate()` defines ~3,900 lines of helpers, classes and closures before
// it instantiates the three or more core modules; evaluating that again for every fresh
// instance was nearly all of a component validation's cost (bench/wasi.ts). The rewrite keeps
// the glue's own code and runs it once per prepared component; each validation then only
// resets the per-instance bookkeeping and instantiates fresh core modules ("rebind"), so the
// guest still starts every validation in fresh core instances (memory, globals, tables).
//
// Contract, checked on the text (the pinned jco-transpile; any other shape is refused here and
// the caller keeps the fresh-glue path, slower but never different):
// - the instance part is jco's `_initGenerator`; its top-level declarations are only
//   instance flags, handle tables, capture tables and counters (all reset by each rebind),
//   trampolines and exported functions (closures over those), and `let` bindings that the
//   core-instantiation tail assigns (so a rebind overwrites every one of them);
// - the tail (from the first `instantiateCore` to the generator's `return`) declares nothing.
// What lives outside the generator (task and async bookkeeping) returns to its initial state
// after a call that ends normally; after any other end the caller discards the whole
// evaluation (./instances.ts), as a broken instance is never reused. The imports are read
// once, so they come from a map that answers for the validation in progress
// (../preview2/switchable.ts).
import { prepareGlueBody } from './glue-text.js';

/** One evaluation of the glue, bound to one set of core instances at a time. */
export interface ReusableInstance {
  validateBlock?: (params: Uint8Array) => Uint8Array;
  /** Resets handle tables and flags, and instantiates fresh core modules. */
  rebind(): void;
}

export type ReusableFactory = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, object>,
  instantiateCore: (
    module: WebAssembly.Module,
    imports?: WebAssembly.Imports,
  ) => WebAssembly.Instance,
) => ReusableInstance;

const GEN_START = 'let gen= (function* _initGenerator () {\n';
const TAIL_START = /^ {2}\(\{ exports: exports\d+ \} = instantiateCore\(/m;
const GEN_RETURN = /^ {2}return \{ ([^}\n]*)\};\n\}\)\(\);$/m;

/** Per-instance state the generator may declare, and how each kind is reset. */
const RESETTABLE: readonly [RegExp, (name: string, init: string) => string][] = [
  [
    /^const (instanceFlags\d+) = new WebAssembly\.Global\(\{ value: "i32", mutable: true \}, (\d+)\);$/,
    (n, init) => `${n}.value = ${init};`,
  ],
  [
    /^const (handleTable\d+) = \[T_FLAG, 0\];$/,
    (n) => `${n}.length = 0; ${n}.push(T_FLAG, 0); ${n}._createdReps.clear();`,
  ],
  [/^const (captureTable\d+)= new Map\(\);$/, (n) => `${n}.clear();`],
  [/^let (captureCnt\d+)= 0;$/, (n) => `${n} = 0;`],
];
/**
 * Declarations that hold no state of their own (closures over the above): a lowered host
 * import and its trampoline, and function declarations. Any other trampoline (an async or
 * stream built-in, whose state lives outside the generator) is refused.
 */
const STATELESS = [
  /^const (_trampoline\d+) = function\(/,
  /^let (trampoline\d+) = _trampoline\d+\.manuallyAsync \? new WebAssembly\.Suspending\(_suspendingImport\(/,
  /^function (\w+)\(/,
];
const ASSIGNED_BY_TAIL = /^let (\w+);$/;

// The tail wraps each realloc with `WebAssembly.promising` in a try whose catch takes the plain
// function; where JSPI is missing (Node 20, 22) that throws a new TypeError, whose stack capture
// was a quarter of a validation in a profile. The same throw, of one error made once.
const NO_JSPI = `  const __pvfNoJspi = new TypeError('WebAssembly.promising is not a function');
  const __pvfPromising = typeof WebAssembly.promising === 'function'
    ? WebAssembly.promising : () => { throw __pvfNoJspi; };
`;

/**
 * The rewritten glue's factory, or the reason it cannot be rewritten (the caller then keeps
 * instantiating the glue afresh per validation).
 */
export function reusableGlue(js: string): ReusableFactory | string {
  let body: string;
  try {
    body = prepareGlueBody(js);
  } catch (err) {
    return (err as Error).message;
  }
  const genAt = body.indexOf(GEN_START);
  if (genAt < 0 || body.indexOf(GEN_START, genAt + 1) >= 0) return 'no single _initGenerator';
  const tailMatch = TAIL_START.exec(body.slice(genAt));
  const retMatch = GEN_RETURN.exec(body.slice(genAt));
  if (!tailMatch || !retMatch || retMatch.index < tailMatch.index) return 'no instantiation tail';
  const headEnd = genAt + tailMatch.index;
  const retAt = genAt + retMatch.index;
  const head = body.slice(genAt + GEN_START.length, headEnd);
  const tail = body.slice(headEnd, retAt);
  if (/^ {2}(const|let|var|function|class) /m.test(tail)) return 'the tail declares bindings';
  const resets: string[] = [];
  for (const line of head.split('\n')) {
    const m = /^ {2}((?:const|let|var|class|function) .*)$/.exec(line);
    if (!m) continue;
    const decl = m[1]!;
    const resettable = RESETTABLE.find(([re]) => re.test(decl));
    if (resettable) {
      const [, name, init] = resettable[0].exec(decl)!;
      resets.push(resettable[1](name!, init ?? ''));
      continue;
    }
    if (STATELESS.some((re) => re.test(decl))) {
      const name = STATELESS.map((re) => re.exec(decl)?.[1]).find((n) => n !== undefined)!;
      if (new RegExp(`^\\s*${name}\\s*=[^=]`, 'm').test(body)) return `${name} is reassigned`;
      continue;
    }
    const assigned = ASSIGNED_BY_TAIL.exec(decl);
    const n = assigned?.[1];
    if (n && new RegExp(`(\\b${n} =[^=])|(exports: ${n} \\} =)`).test(tail)) continue;
    return `unexpected per-instance declaration: ${decl.slice(0, 80)}`;
  }
  const rewritten =
    body.slice(0, headEnd) +
    NO_JSPI +
    `  function __pvfRebind() {\n  ${resets.join('\n  ')}\n` +
    `${tail.replaceAll('WebAssembly.promising(', '__pvfPromising(')}  }\n  __pvfRebind();\n` +
    `  return { ${retMatch[1]!.trim().replace(/,$/, '')}, rebind: __pvfRebind };\n})();` +
    body.slice(retAt + retMatch[0].length);
  try {
    return new Function(`"use strict";\n${rewritten}\nreturn instantiate;`)() as ReusableFactory;
  } catch (err) {
    return `the rewritten glue does not load: ${(err as Error).message}`;
  }
}
