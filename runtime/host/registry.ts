// The host functions Polkadot serves to PVFs and how each import name links here. The
// reference's set is `HostFunctions` in polkadot/node/core/pvf/common/src/executor_interface.rs
// (:256–264 @0646724e: sp-io misc, crypto, hashing, allocator, logging, trie; that master copy
// also lists RFC 145's `input`, see README "Reference"), linked with
// `allow_missing_func_imports: true` (:54): a name outside the set links to a stub that traps
// only if called, whatever its signature; a name in the set must be imported with its exact
// signature (else creating the runtime fails). This file is the one source for the engine's linker,
// `pvf inspect` and the README's host-function table (scripts/host-functions-table.ts).
import { allocator } from './allocator.js';
import type { HostFamily, HostFunction, Signature } from './context.js';
import { crypto } from './crypto.js';
import { hashing } from './hashing.js';
import { logging } from './logging.js';
import { misc } from './misc.js';
import { panicHandler } from './panic-handler.js';
import { trie } from './trie.js';

const FAMILIES: readonly HostFamily[] = [allocator, crypto, hashing, logging, misc, trie];

/** Functions of the reference's set that this host implements, keyed by import name. */
export const PVF_HOST_FUNCTIONS: ReadonlyMap<string, HostFunction> = new Map(
  FAMILIES.flatMap((family) => Object.entries(family)),
);

/**
 * Functions of the reference's set that this host does not implement: they would link to a
 * trapping stub here, where the reference runs them (a PVF that calls one would be judged
 * invalid here and may be valid there), with their signature still enforced at link time.
 * Empty: the whole set is served. Kept so that linking, `pvf inspect` and the README table
 * stay ready to name one.
 */
export const REFERENCE_ONLY: ReadonlyMap<string, { signature: Signature; why: string }> = new Map();

/**
 * Outside the reference's set (a missing-function stub there), served here only to keep a
 * panic's message: linked only when imported with exactly this signature, so that any other
 * signature gets the stub, as in the reference. Either way a call traps at once.
 */
export const MESSAGE_ONLY: ReadonlyMap<string, HostFunction> = new Map(
  Object.entries(panicHandler),
);

/** How `env.<name>` imported with `type` links, decided as the reference decides it. */
export type ImportLink =
  | { readonly kind: 'served'; readonly fn: HostFunction }
  | { readonly kind: 'stub'; readonly referenceServes: boolean }
  | { readonly kind: 'signature-mismatch'; readonly expected: Signature };

/** A function type as the wasm reader gives it (any value types). */
type AnyType = { readonly params: readonly string[]; readonly results: readonly string[] };

export function linkImport(name: string, type: AnyType): ImportLink {
  const fn = PVF_HOST_FUNCTIONS.get(name);
  if (fn !== undefined)
    return sameSignature(fn.signature, type)
      ? { kind: 'served', fn }
      : { kind: 'signature-mismatch', expected: fn.signature };
  const ref = REFERENCE_ONLY.get(name);
  if (ref !== undefined)
    return sameSignature(ref.signature, type)
      ? { kind: 'stub', referenceServes: true }
      : { kind: 'signature-mismatch', expected: ref.signature };
  const extra = MESSAGE_ONLY.get(name);
  if (extra !== undefined && sameSignature(extra.signature, type))
    return { kind: 'served', fn: extra };
  return { kind: 'stub', referenceServes: false };
}

export function sameSignature(a: AnyType, b: AnyType): boolean {
  const eq = (x: readonly string[], y: readonly string[]) =>
    x.length === y.length && x.every((t, k) => t === y[k]);
  return eq(a.params, b.params) && eq(a.results, b.results);
}
