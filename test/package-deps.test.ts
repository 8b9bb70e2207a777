// The dependency tree as installed from the lock file: one copy of each @noble package, so
// the curve points and hashers that @scure/sr25519 hands around are the same classes as ours
// (runtime/host/fast-verify.ts mixes its ristretto255 with @scure/sr25519's internals).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const lock = JSON.parse(
  readFileSync(join(import.meta.dirname, '../package-lock.json'), 'utf8'),
) as {
  packages: Record<string, { version?: string }>;
};

describe('installed dependencies', () => {
  it('one copy of each @noble package, at the version package.json pins', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8'));
    const copies = new Map<string, string[]>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      const m = /(?:^|\/)node_modules\/(@noble\/[^/]+)$/.exec(path);
      if (m !== null) copies.set(m[1]!, [...(copies.get(m[1]!) ?? []), `${path}@${entry.version}`]);
    }
    expect([...copies.keys()].sort()).toEqual(['@noble/curves', '@noble/hashes']);
    for (const [name, paths] of copies) {
      expect(paths, name).toEqual([`node_modules/${name}@${pkg.dependencies[name]}`]);
    }
  });
});
