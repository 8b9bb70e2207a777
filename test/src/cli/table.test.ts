import { describe, expect, it } from 'vitest';
import { table, wrap } from '../../../src/cli/table.js';

const width = (text: string) => Math.max(...text.split('\n').map((l) => l.length));

describe('table', () => {
  it('keeps natural widths when they fit', () => {
    expect(table(['a', 'bb'], [['x', 'yyy']], 100)).toBe('a  bb\n-  ---\nx  yyy\n');
  });

  it('fits the width by wrapping the widest column, keeping every word', () => {
    const evidence =
      'listener got 0 conn/packets, 0 bytes; parent memory unchanged after the write';
    const rows = [['native', 'process_vm_writev into the parent', 'EPERM', evidence, 'blocked']];
    const text = table(['level', 'attempt', 'actual', 'evidence', 'result'], rows, 60);
    expect(width(text)).toBeLessThanOrEqual(60);
    const words = text.split(/\s+/);
    for (const w of evidence.split(' ')) expect(words).toContain(w);
    expect(text.split('\n')[0]).toMatch(/^level\s+attempt\s+actual\s+evidence\s+result$/);
  });

  it('never narrows a column below its header', () => {
    const text = table(['heading-one', 'heading-two'], [['x'.repeat(50), 'y'.repeat(50)]], 10);
    expect(text.split('\n')[0]).toBe('heading-one  heading-two');
  });
});

describe('wrap', () => {
  it('breaks at spaces, and inside a word only when the word alone is too long', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('abcdefghij k', 4)).toEqual(['abcd', 'efgh', 'ij k']);
    expect(wrap('short', 10)).toEqual(['short']);
  });
});
