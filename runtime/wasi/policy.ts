// The one place that decides which imports a WASI PVF may have, and words the refusal. Both
// WASI hosts link nothing for networking: there is no `sock_*` function in the preview1 import
// object and no `wasi:sockets/*` or `wasi:http/*` interface in the component import map. Prepare
// refuses such code with a message naming the import, so an author learns why at once instead
// of at the first validation.
import { functionTypeIndices } from '../determinism/stack-cost.js';
import type { FuncType, WasmModule } from '../wasm/types.js';
import { isNetworkImport, PREVIEW1_MODULE } from './preview1/names.js';

const NETWORK_DENIED = 'PVFs may not use the network';

/** A core-module import as `WebAssembly.Module.imports` lists it. */
export interface CoreImport {
  readonly module: string;
  readonly name: string;
  readonly kind: string;
}

/** A refusal: the imports named (all networking ones if any, else all unknown ones), and why. */
export interface ImportRefusal {
  readonly imports: readonly string[];
  readonly network: boolean;
  readonly message: string;
}

const list = (names: readonly string[]): string =>
  names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

function refusal(names: readonly string[], network: boolean): ImportRefusal {
  return {
    imports: names,
    network,
    message:
      `imports ${list(names)}, which this host does not provide` +
      (network ? `: ${NETWORK_DENIED}` : ''),
  };
}

/**
 * Checks a preview1 core module's imports against the functions the host provides. Returns
 * undefined when all are provided; else a refusal naming every networking import if there is
 * one, else every unknown import. E.g. `imports wasi_snapshot_preview1.sock_send, which this
 * host does not provide: PVFs may not use the network`.
 */
export function checkPreview1Imports(
  imports: readonly CoreImport[],
  provided: ReadonlySet<string>,
): ImportRefusal | undefined {
  const bad = imports.filter(
    (i) => !(i.module === PREVIEW1_MODULE && i.kind === 'function' && provided.has(i.name)),
  );
  if (bad.length === 0) return undefined;
  const name = (i: CoreImport) =>
    `${i.module}.${i.name}` + (i.kind === 'function' ? '' : ` (a ${i.kind})`);
  const network = bad.filter((i) => i.module === PREVIEW1_MODULE && isNetworkImport(i.name));
  return network.length > 0 ? refusal(network.map(name), true) : refusal(bad.map(name), false);
}

/** WASI 0.2 interface families a PVF may never import, whatever the version. */
const NETWORK_PACKAGES = /^wasi:(sockets|http)\//;

/** Whether a component import name (`wasi:sockets/tcp@0.2.12`) is a networking interface. */
export const isNetworkInterface = (name: string): boolean => NETWORK_PACKAGES.test(name);

/**
 * Strips the version from a component import name: `wasi:cli/stdout@0.2.12` → `wasi:cli/stdout`.
 * jco's generated glue looks imports up by these unversioned names.
 */
export const unversioned = (name: string): string => name.replace(/@[^@/]*$/, '');

/**
 * Checks a component's top-level import names against the interfaces the host provides
 * (unversioned names), like {@link checkPreview1Imports}. E.g. `imports wasi:sockets/network@0.2.12,
 * wasi:sockets/tcp@0.2.12 and wasi:sockets/tcp-create-socket@0.2.12, which this host does not
 * provide: PVFs may not use the network`.
 */
export function checkComponentImports(
  names: readonly string[],
  provided: ReadonlySet<string>,
): ImportRefusal | undefined {
  const bad = names.filter((n) => isNetworkInterface(n) || !provided.has(unversioned(n)));
  if (bad.length === 0) return undefined;
  const network = bad.filter(isNetworkInterface);
  return network.length > 0 ? refusal(network, true) : refusal(bad, false);
}

/** The functions ABI 1 requires (runtime/wasi/preview1/pvf.ts) and their types. */
const WASI_P1_FUNCTIONS: readonly (readonly [string, string])[] = [
  ['pvf_alloc', '(i32) -> i32'],
  ['validate_block', '(i32, i32) -> i64'],
];

const signature = (t: FuncType | undefined): string =>
  t
    ? `(${t.params.join(', ')}) -> ${t.results.length === 1 ? t.results[0] : `(${t.results.join(', ')})`}`
    : '?';

/**
 * Checks that a `wasi-p1` module exports `pvf_alloc` and `validate_block` with their types.
 * Returns undefined when it does, else a message naming what is missing or mistyped, e.g.
 * `a wasi-p1 PVF must export pvf_alloc(i32) -> i32 and validate_block(i32, i32) -> i64: both
 * are missing (this is a command module: it exports _start, which a PVF never runs)`.
 */
export function checkWasiP1Exports(m: WasmModule): string | undefined {
  const typeOf = functionTypeIndices(m);
  const problems: string[] = [];
  const missing: string[] = [];
  for (const [name, want] of WASI_P1_FUNCTIONS) {
    const e = m.exports.find((x) => x.name === name);
    if (e?.kind !== 'func') missing.push(name);
    else {
      const got = signature(m.types[typeOf[e.index] ?? -1]);
      if (got !== want) problems.push(`${name} has type ${got}`);
    }
  }
  if (missing.length === 0 && problems.length === 0) return undefined;
  if (missing.length > 0)
    problems.unshift(missing.length === 2 ? 'both are missing' : `${list(missing)} is missing`);
  const command = m.exports.some((e) => e.name === '_start' && e.kind === 'func')
    ? ' (this is a command module: it exports _start, which a PVF never runs; build a reactor or library, e.g. clang -mexec-model=reactor, or a Rust cdylib)'
    : '';
  const abi = WASI_P1_FUNCTIONS.map(([n, t]) => n + t).join(' and ');
  return `a wasi-p1 PVF must export ${abi}: ${problems.join(', ')}${command}`;
}
