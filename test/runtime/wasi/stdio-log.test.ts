import { describe, expect, it } from 'vitest';
import { StdioLog } from '../../../runtime/wasi/stdio-log.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('StdioLog', () => {
  it('makes one record per line and stream, flushing unfinished lines at the end', () => {
    const log = new StdioLog(1024);
    log.write('stdout', text('a\nb'));
    log.write('stderr', text('panicked\n'));
    log.write('stdout', text('c\n\nd'));
    expect(log.finish()).toEqual({
      logs: [
        { level: 3, target: 'stdout', message: 'a' },
        { level: 1, target: 'stderr', message: 'panicked' },
        { level: 3, target: 'stdout', message: 'bc' },
        { level: 3, target: 'stdout', message: '' },
        { level: 3, target: 'stdout', message: 'd' },
      ],
      logsDropped: 0,
    });
  });

  it('copies the bytes it keeps (the guest may overwrite its buffer)', () => {
    const log = new StdioLog(1024);
    const buf = text('abc');
    log.write('stdout', buf);
    buf.fill(0x7a);
    expect(log.finish().logs[0]?.message).toBe('abc');
  });

  it('keeps at most maxBytes of target + message, counts what it drops, never cuts a line', () => {
    // "stdout" (6) + "12345678" (8) = 14 bytes a record: two fit in 30, the third does not.
    const log = new StdioLog(30);
    log.write('stdout', text('12345678\n12345678\n12345678\nx\n'));
    const { logs, logsDropped } = log.finish();
    expect(logs.map((r) => r.message)).toEqual(['12345678', '12345678']);
    expect(logsDropped).toBe(2); // the third line, then "x" (6 + 1 > 2 bytes left)
  });

  it('drops one over-long line as a whole however it is written, and keeps going', () => {
    const log = new StdioLog(64);
    for (let i = 0; i < 1000; i++) log.write('stderr', text('x'.repeat(100)));
    log.write('stderr', text('\nok\n'));
    expect(log.finish()).toEqual({
      logs: [{ level: 1, target: 'stderr', message: 'ok' }],
      logsDropped: 1,
    });
  });

  it('keeps nothing with a zero budget', () => {
    const log = new StdioLog(0);
    log.write('stdout', text('a\n'));
    expect(log.finish()).toEqual({ logs: [], logsDropped: 1 });
  });
});
