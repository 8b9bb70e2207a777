// Plain-text tables for the CLI: a header row, a rule, then the rows, no wider than `maxWidth`.
// When the natural widths do not fit, the widest column gives way first and its cells wrap at
// spaces (or mid-word when a word alone is too long), so every cell stays whole and readable.

/** Width tables keep to off a terminal: fits a 100-column review or CI log. */
export const DEFAULT_TABLE_WIDTH = 100;
const GAP = '  ';
/** A column never narrows below its header or this many characters. */
const MIN_COLUMN = 8;

/** The width to use on `stream`: its columns on a terminal, DEFAULT_TABLE_WIDTH otherwise. */
export function tableWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  return stream.isTTY === true && stream.columns ? stream.columns : DEFAULT_TABLE_WIDTH;
}

export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  maxWidth = DEFAULT_TABLE_WIDTH,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const floor = header.map((h) => Math.max(h.length, MIN_COLUMN));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (total() > maxWidth) {
    // Narrow the widest column that can still give way, one character at a time.
    let widest = -1;
    for (let i = 0; i < widths.length; i++)
      if (widths[i]! > floor[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break; // every column at its floor: wider than asked, but whole
    widths[widest]!--;
  }
  const render = (cells: readonly string[]): string[] => {
    const wrapped = widths.map((w, i) => wrap(cells[i] ?? '', w));
    const height = Math.max(...wrapped.map((c) => c.length));
    return Array.from({ length: height }, (_, line) =>
      wrapped
        .map((c, i) => (c[line] ?? '').padEnd(widths[i]!))
        .join(GAP)
        .trimEnd(),
    );
  };
  return (
    [
      ...render(header),
      widths.map((w) => '-'.repeat(w)).join(GAP),
      ...rows.flatMap((r) => render(r)),
    ].join('\n') + '\n'
  );
}

/** `text` in lines of at most `width`, broken at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let w = word;
    if (line && line.length + 1 + w.length <= width) {
      line += ' ' + w;
      continue;
    }
    if (line) lines.push(line);
    while (w.length > width) {
      lines.push(w.slice(0, width));
      w = w.slice(width);
    }
    line = w;
  }
  lines.push(line);
  return lines;
}
