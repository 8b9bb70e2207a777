import { describe, expect, it } from 'vitest';
import { buildProgress } from '../../../src/cli/commands/progress.js';
import { barLine, progressReporter, REDRAW_MS } from '../../../src/cli/progress.js';

/** A sink that records writes, with a clock the test moves. */
function recorder(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  let t = 0;
  return {
    writes,
    advance: (ms: number) => (t += ms),
    sink: { isTTY, columns, write: (s: string) => writes.push(s) },
    now: () => t,
  };
}

describe('barLine', () => {
  it('shows the count, the rate and the time left', () => {
    expect(barLine(500, 1000, 2, 80)).toBe(
      `[${'#'.repeat(15)}${'.'.repeat(15)}] 500/1000 250/s ETA 0:02`,
    );
    expect(barLine(1000, 1000, 4000, 80)).toMatch(/\] 1000\/1000 0\/s in 1:06:40$/);
  });

  it('fits every width: the bar shrinks, then the rate goes, then the bar', () => {
    for (let columns = 1; columns <= 120; columns++) {
      const line = barLine(123_456, 1_000_000, 7, columns);
      expect(line.length).toBeLessThanOrEqual(Math.max(0, columns - 1));
    }
    expect(barLine(5, 10, 1, 31)).toBe(`[${'#'.repeat(5)}${'.'.repeat(5)}] 5/10 5/s ETA 0:01`);
    // 19 usable columns: the rate does not fit beside a 10-wide bar, the count does.
    expect(barLine(5, 10, 1, 20)).toBe(`[${'#'.repeat(6)}${'.'.repeat(6)}] 5/10`);
    expect(barLine(5, 10, 1, 8)).toBe('5/10');
  });

  it('has no rate before any time has passed', () => {
    expect(barLine(0, 10, 0, 80)).toBe(`[${'.'.repeat(30)}] 0/10`);
  });
});

describe('progressReporter', () => {
  it('on a terminal redraws at most every REDRAW_MS, and always draws the end', () => {
    const r = recorder(true);
    const report = progressReporter(1000, { verb: 'validated', sink: r.sink, now: r.now });
    for (let done = 1; done <= 1000; done++) {
      report(done);
      r.advance(1); // 1 ms per item: 1,000 items in one second
    }
    // One draw per 100 ms at most, plus the final one.
    expect(r.writes.length).toBeLessThanOrEqual(1000 / REDRAW_MS + 1);
    expect(r.writes.length).toBeGreaterThanOrEqual(1000 / REDRAW_MS);
    const last = r.writes.at(-1)!;
    expect(last.startsWith('\r[' + '#'.repeat(30) + '] 1000/1000 ')).toBe(true);
    expect(last.endsWith('\u001b[K\n')).toBe(true); // erase the rest of a longer earlier line
    expect(r.writes.slice(0, -1).every((w) => !w.endsWith('\n'))).toBe(true);
  });

  it('off a terminal prints a plain line every tenth, and nothing with quiet', () => {
    const r = recorder(false);
    const report = progressReporter(20, { verb: 'validated', sink: r.sink, now: r.now });
    for (let done = 1; done <= 20; done++) report(done);
    // The first count opens tenth 0; then one line as each further tenth is reached.
    expect(r.writes).toEqual(
      ['validated 1/20\n'].concat([...Array(10)].map((_, i) => `validated ${(i + 1) * 2}/20\n`)),
    );
    const q = recorder(false);
    const quiet = progressReporter(20, { verb: 'validated', quiet: true, sink: q.sink });
    for (let done = 1; done <= 20; done++) quiet(done);
    expect(q.writes).toEqual([]);
  });
});

describe('buildProgress (pvf example asset-hub|template)', () => {
  const block = (number: number) => ({
    number,
    transfers: 10,
    blockData: new Uint8Array(1234),
    weight: { refTime: 2_500_000_000n },
  });

  it('on a terminal: the bar at 0 before the first block, then to the end', () => {
    const r = recorder(true);
    const built = buildProgress(2, false, r.sink);
    expect(r.writes).toHaveLength(1);
    expect(r.writes[0]).toMatch(/^\r\[\.+\] 0\/2/);
    built(block(1));
    built(block(2));
    expect(r.writes.at(-1)).toMatch(/\] 2\/2 .*\n$/);
  });

  it('off a terminal: a line per block with its details; nothing with quiet', () => {
    const r = recorder(false);
    buildProgress(2, false, r.sink)(block(1));
    expect(r.writes).toEqual(['built #1: 10 transfers, PoV 1234 bytes, weight 2.5 ms\n']);
    const q = recorder(false);
    buildProgress(2, true, q.sink)(block(1));
    expect(q.writes).toEqual([]);
  });
});
