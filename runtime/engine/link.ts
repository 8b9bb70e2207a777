// Builds the import object of a prepared module: the mirror of sc-executor-wasmtime's
// `prepare_imports` (substrate/client/executor/wasmtime/src/imports.rs:28–113 @0c62ffc5) with
// `allow_missing_func_imports: true`. Every import must come from `env` (:41–47) and be a
// function (:55–61; the memory import was already converted by memory-setup.ts); a name the
// host serves must have the host function's exact signature (`func_wrap`, :137–143); any other
// name links to a stub that traps only if called, with the reference's message (:68–78). Which
// name links how is the registry's `linkImport`.
import type { HostContext, HostFunction, Signature } from '../host/context.js';
import { linkImport, sameSignature } from '../host/registry.js';
import type { FuncType, WasmModule } from '../wasm/types.js';
import { HostTrap } from './traps.js';
import type { PrepareErrorReason } from './types.js';

/** The per-module slot through which host functions find the running execution. */
export interface HostSlot {
  ctx: HostContext | undefined;
}

export type Linked =
  | { readonly kind: 'linked'; readonly imports: WebAssembly.Imports; readonly missing: string[] }
  | { readonly kind: 'error'; readonly reason: PrepareErrorReason; readonly message: string };

export function link(m: WasmModule, slot: HostSlot): Linked {
  const env: Record<string, WebAssembly.ImportValue> = {};
  const missing: string[] = [];
  const seen = new Map<string, FuncType>();
  for (const imp of m.imports) {
    if (imp.kind === 'memory') continue; // converted into a defined memory
    if (imp.module !== 'env')
      return fail(
        'bad-import',
        `host doesn't provide any imports from non-env module: ${imp.module}:${imp.name}`,
      );
    if (imp.kind !== 'func')
      return fail(
        'bad-import',
        `host doesn't provide any non function imports: ${imp.module}:${imp.name}`,
      );
    const type = m.types[imp.type];
    if (type === undefined)
      return fail('bad-import', `import ${imp.name} has an unknown type index`);
    // One name links to one function: a second import of it must have the same type.
    const before = seen.get(imp.name);
    if (before !== undefined) {
      if (!sameType(before, type))
        return fail('signature-mismatch', `conflicting types for import env:${imp.name}`);
      continue;
    }
    seen.set(imp.name, type);
    const l = linkImport(imp.name, type);
    if (l.kind === 'stub') {
      missing.push(imp.name);
      env[imp.name] = stub(imp.name);
    } else if (l.kind === 'signature-mismatch') {
      return fail(
        'signature-mismatch',
        `signature mismatch for env:${imp.name}: the host function is ${show(l.expected)}, the module imports ${show(type)}`,
      );
    } else {
      env[imp.name] = bind(slot, imp.name, l.fn);
    }
  }
  return { kind: 'linked', imports: { env }, missing };
}

const fail = (reason: PrepareErrorReason, message: string): Linked => ({
  kind: 'error',
  reason,
  message,
});

const sameType = sameSignature;

const show = (t: Signature | FuncType) => `(${t.params.join(', ')}) -> (${t.results.join(', ')})`;

/** A stub for an import the host does not serve (sc-executor's missing-function stub). */
function stub(name: string): () => never {
  return () => {
    throw new HostTrap('unresolved-import', `call to a missing function env:${name}`);
  };
}

// Fixed-arity wrappers: V8 calls these faster than a rest-parameter closure. Each host function
// gets wrappers of its own code (WRAPPERS), made once per process: V8 keeps type feedback per
// function literal, so wrappers from one shared literal per arity would see every host function
// of that arity at their call site (megamorphic: no inlining), and a PVF importing few host
// functions would run slower after any module importing many (the host-call warm-up, a real
// runtime). Measured on Polkadot's adder through 2 sealed workers (`npm run example`, 3 runs
// each): 7,730–8,275 validations/s with shared literals and no warm-up, 5,874–6,038 with the
// warm-up, 7,071–7,525 with the warm-up and a literal per host function; real blocks' first and
// warm validations unchanged within noise.
function bind(slot: HostSlot, name: string, f: HostFunction): (...args: never[]) => unknown {
  const ctx = (): HostContext => {
    const c = slot.ctx;
    if (c === undefined)
      throw new HostTrap(
        'host-error',
        `${name} called while no entry point is running (start function)`,
      );
    return c;
  };
  return wrapperFactory(name, f.signature.params.length)(f.call, ctx);
}

type WrapperFactory = (
  call: HostFunction['call'],
  ctx: () => HostContext,
) => (...args: never[]) => unknown;

const WRAPPERS = new Map<string, WrapperFactory>();

/**
 * The wrapper factory of one host function: `(call, ctx) => (a, b) => call(ctx(), a, b)` for
 * two parameters, compiled from a constant text per arity (no name or guest input in it), once
 * per host function name, so its literal is that function's alone.
 */
function wrapperFactory(name: string, arity: number): WrapperFactory {
  let factory = WRAPPERS.get(name);
  if (factory === undefined) {
    const params = Array.from({ length: arity }, (_, i) => `a${i}`);
    const args = arity <= 3 ? params.join(', ') : '...args';
    const list = arity <= 3 ? ['ctx()', ...params].join(', ') : 'ctx(), ...args';
    factory = new Function('call', 'ctx', `return (${args}) => call(${list});`) as WrapperFactory;
    WRAPPERS.set(name, factory);
  }
  return factory;
}
