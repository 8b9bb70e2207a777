// The three rooms and their one direction (STYLE.md): runtime/ runs inside a sealed worker and
// must never reach koffi or native/; nothing imports src/ back. The linter checks the same
// rule; this test also catches dynamic imports and requires that a lint rule cannot see.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const specifiers = (source: string): string[] =>
  [...source.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );

describe('import direction', () => {
  it('runtime/ never imports koffi, native/ or src/', () => {
    const bad = tsFiles('runtime').flatMap((f) =>
      specifiers(readFileSync(f, 'utf8'))
        .filter((s) => s === 'koffi' || /(^|\/)(native|src)(\/|$)/.test(s))
        .map((s) => `${f}: ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('native/ never imports src/', () => {
    const bad = tsFiles('native').flatMap((f) =>
      specifiers(readFileSync(f, 'utf8'))
        .filter((s) => /(^|\/)src(\/|$)/.test(s))
        .map((s) => `${f}: ${s}`),
    );
    expect(bad).toEqual([]);
  });

  it('the check sees a forbidden import (negative control)', () => {
    const sample =
      "import koffi from 'koffi';\nconst x = await import('../native/linux/seccomp.js');";
    expect(specifiers(sample)).toEqual(['koffi', '../native/linux/seccomp.js']);
  });
});
