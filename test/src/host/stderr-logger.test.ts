// The default logger's lines (text and pino-shaped JSON, thresholds, the separate threshold
// for the PVF's own lines), the logger option's check, and pino itself as the host's logger.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HostOptionError } from '../../../src/host/errors.js';
import { emit, type HostLogger } from '../../../src/host/log.js';
import { resolveHostOptions } from '../../../src/host/options.js';
import { stderrLogger } from '../../../src/host/stderr-logger.js';

const capture = (o: Parameters<typeof stderrLogger>[0] = {}) => {
  const lines: string[] = [];
  return { lines, logger: stderrLogger({ ...o, write: (l) => void lines.push(l) }) };
};

describe('stderrLogger', () => {
  it('text: level, message, then the fields as key=value', () => {
    const { lines, logger } = capture({ level: 'info' });
    emit(
      logger,
      'warn',
      { event: 'worker-died', worker: 1, pid: 42, signal: 'SIGKILL', cpuMs: 2.25 },
      'worker 1 died',
    );
    expect(lines).toEqual([
      'pvf warn: worker 1 died (event=worker-died worker=1 pid=42 signal=SIGKILL cpuMs=2.3)\n',
    ]);
  });

  it("json: pino's shape (numeric level, time, msg) with the fields", () => {
    const { lines, logger } = capture({ format: 'json' });
    emit(logger, 'error', { event: 'worker-killed', reason: 'protocol', message: 'a b' }, 'killed');
    const o = JSON.parse(lines[0]!);
    expect(o).toMatchObject({ level: 50, msg: 'killed', event: 'worker-killed', message: 'a b' });
    expect(Math.abs(o.time - Date.now())).toBeLessThan(5000);
  });

  it('below the threshold a level has no method; silent has none at all', () => {
    expect(Object.keys(stderrLogger({ level: 'warn' })).sort()).toEqual(['error', 'warn']);
    expect(Object.keys(stderrLogger({ level: 'silent' }))).toEqual([]);
  });

  it("the PVF's own lines follow runtimeLevel, the host's follow level", () => {
    const { lines, logger } = capture({ level: 'warn', runtimeLevel: 'debug' });
    emit(logger, 'debug', { event: 'runtime-log', target: 'runtime' }, 'from the PVF');
    emit(logger, 'debug', { event: 'worker-spawned' }, 'from the host');
    emit(logger, 'trace', { event: 'runtime-log', target: 'runtime' }, 'too fine');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('from the PVF');
  });
});

describe('the logger option', () => {
  it('accepts any subset of the five levels, and pino', () => {
    expect(() => resolveHostOptions({ logger: {} })).not.toThrow();
    expect(() => resolveHostOptions({ logger: pino({ enabled: false }) })).not.toThrow();
  });

  it('refuses a level that is not a function, naming it', () => {
    const bad = { warn: 'yes' } as unknown as HostLogger;
    expect(() => resolveHostOptions({ logger: bad })).toThrow(HostOptionError);
    expect(() => resolveHostOptions({ logger: bad })).toThrow(/warn\(fields, message\)/);
  });

  it('pino receives the fields and message as one JSON line', () => {
    const out: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        out.push(String(chunk));
        cb();
      },
    });
    const log = pino({ level: 'debug' }, sink);
    emit(log, 'info', { event: 'worker-sealed', worker: 0, pid: 7 }, 'sealed');
    emit(log, 'trace', { event: 'too-fine' }, 'dropped by pino');
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0]!)).toMatchObject({
      level: 30,
      event: 'worker-sealed',
      pid: 7,
      msg: 'sealed',
    });
  });
});
