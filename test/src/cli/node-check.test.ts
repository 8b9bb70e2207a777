import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_NODE, supportedNode } from '../../../src/cli/node-check.js';
import { ROOT } from './run-pvf.js';

describe('the Node version check', () => {
  it('says exactly what package.json engines says', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(`>=${MIN_NODE.join('.')}`);
  });

  it('accepts the minimum and newer, refuses older', () => {
    for (const v of ['20.19.0', '20.20.2', '21.0.0', '22.1.0', '24.11.1'])
      expect(supportedNode(v)).toBe(true);
    for (const v of ['20.18.3', '20.0.0', '18.20.4', '16.0.0'])
      expect(supportedNode(v)).toBe(false);
    expect(supportedNode(process.versions.node)).toBe(true);
  });
});
