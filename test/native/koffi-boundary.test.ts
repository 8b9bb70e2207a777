// koffi is loaded in exactly one place, lazily: native/linux/libc.ts, through a dynamic
// import. Everything else reaches it through loadLibc(), and may only import koffi's types.
// So importing src/ or native/ never loads FFI by itself, and a sealed worker (runtime/)
// cannot reach it at all.
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

/** Ways a file loads koffi at run time: a value import, a dynamic import or a require. */
const runtimeKoffiLoads = (source: string): string[] =>
  [
    ...source.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s+['"]koffi['"]/gm),
    ...source.matchAll(/(?:import|require)\s*\(\s*['"]koffi['"]\s*\)/g),
  ].map((m) => m[0].trim());

describe('the koffi boundary', () => {
  it('only native/linux/libc.ts loads koffi, and only with a dynamic import', () => {
    const loads = ['src', 'runtime', 'native']
      .flatMap(tsFiles)
      .flatMap((f) => runtimeKoffiLoads(readFileSync(f, 'utf8')).map((l) => `${f}: ${l}`));
    expect(loads).toEqual(["native/linux/libc.ts: import('koffi')"]);
  });

  it('the check sees value, dynamic and require loads but not type imports (negative control)', () => {
    const sample = [
      "import koffi from 'koffi';",
      "import type { TypeObject } from 'koffi';",
      "const k = await import('koffi');",
      "const r = require('koffi');",
    ].join('\n');
    expect(runtimeKoffiLoads(sample)).toEqual([
      "import koffi from 'koffi'",
      "import('koffi')",
      "require('koffi')",
    ]);
  });
});
