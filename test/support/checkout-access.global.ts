// Before any test: as root, the suite seals processes that drop to uid 65534 and read test
// bundles, fixtures and (in the unprivileged tests) the package itself from this checkout, so
// every folder above it must let other users through. `npm test` (scripts/test.mjs) arranges that
// for a checkout in a private folder (a clone under /root); a bare `vitest run` there would fail
// dozens of sandbox tests one by one, so say why once, up front, instead.
// The product itself does not need this: `npm run example` runs from such a folder (workers see
// a minimal root bind-mounted before the uid drop), and so does an embedding host.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** The first folder from `dir` up to `/` that other users cannot pass through, if any. */
function privateAncestor(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return d;
    if (dirname(d) === d) return undefined;
  }
}

export default function setup(): void {
  if (process.getuid?.() !== 0) return;
  const blocked = privateAncestor(ROOT);
  if (blocked === undefined) return;
  throw new Error(
    `the test suite runs as root and seals processes as uid 65534 that read this checkout, ` +
      `but ${blocked} does not let other users through: run it with \`npm test\`, which ` +
      `bind-mounts the checkout where they can read it, or clone into a folder others can ` +
      `traverse, or run the tests as an ordinary user`,
  );
}
