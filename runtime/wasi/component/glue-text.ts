// The text of jco's sync-instantiation glue made loadable with `new Function`: its only
// exports are `instantiate` and `_util`, and it has no `import` statements. Shared by the
// fresh-per-validation loader (./transpile.ts) and the reusable one (./reusable-glue.ts).

/** The glue's shape is not the one this module knows. */
export class GlueShapeError extends Error {
  override name = 'GlueShapeError';
}

// jco 1.x's glue checks `process.env.JCO_DEBUG` at each of its ~80 `_debugLog` calls, and
// reading process.env is slow in Node: dropping the check halved the per-call overhead in a
// profile (about 15 µs → 6 µs per validate-block call).
const DEBUG_CHECK = 'if (!globalThis?.process?.env?.JCO_DEBUG) { return; }';

/**
 * The glue as a function body that declares `instantiate` (no exports, no debug check).
 * @throws {GlueShapeError} if import or export statements remain.
 */
export function prepareGlueBody(js: string): string {
  const body = js
    .replace(DEBUG_CHECK, 'return;')
    .replace(/^export function instantiate\(/m, 'function instantiate(')
    .replace(/^export const _util = /m, 'const _util = ');
  if (/^\s*(export|import)\s/m.test(body))
    throw new GlueShapeError('unexpected glue shape: import or export statements left');
  return body;
}
