// The build redistributes dependencies inside its bundles; their licences must go with them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const NOTICES = join(ROOT, 'dist/THIRD-PARTY-NOTICES.txt');

describe.runIf(existsSync(NOTICES))('dist/THIRD-PARTY-NOTICES.txt', () => {
  it('names each package bundled into the worker, with its licence text', () => {
    const text = readFileSync(NOTICES, 'utf8');
    const worker = readFileSync(join(ROOT, 'dist/worker-thread.js'), 'utf8');
    // esbuild marks each bundled file with a `// node_modules/<pkg>/…` comment.
    const bundled = new Set(
      [...worker.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]!),
    );
    expect(bundled.size).toBeGreaterThan(3);
    for (const name of bundled) expect(text).toMatch(new RegExp(`^${name} \\S+ — `, 'm'));
    expect(text).toMatch(/Permission is hereby granted, free of charge/); // MIT's text, not a name
  });

  it('ships the project licence at the package root', () => {
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });
});
