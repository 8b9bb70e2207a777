// The operator log's cost per line: the built-in stderr logger (text and JSON) against pino,
// each with the line's level enabled (written to /dev/null synchronously, so the write
// syscall is counted) and disabled (what the host pays for a debug line nobody reads). The
// line is a typical `worker-killed` with eight fields, sent through `emit` as the host does.
import { closeSync, openSync, writeSync } from 'node:fs';
import { pino } from 'pino';
import { emit, type HostLogger } from '../src/host/log.js';
import { stderrLogger } from '../src/host/stderr-logger.js';
import { percentiles, type Row, type Section } from './section.js';

const LINES = 20_000;
const RUNS = 5;
const FIELDS = {
  event: 'worker-killed',
  reason: 'timeout',
  worker: 2,
  pid: 123456,
  job: 917,
  step: 'execute',
  kind: 'backing',
  codeHash: '0x' + 'ab'.repeat(32),
  cpuMs: 2001.5,
};

/** Median ns per line over RUNS runs of LINES lines, after a warm-up run. */
function nsPerLine(logger: HostLogger, level: 'warn' | 'debug'): number {
  const once = () => {
    for (let i = 0; i < LINES; i++) emit(logger, level, FIELDS, 'worker 2 killed: over budget');
  };
  once();
  const samples: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    once();
    samples.push(Number(process.hrtime.bigint() - t0) / LINES);
  }
  return Math.round(percentiles(samples).p50);
}

export const log: Section = {
  name: 'log',
  description:
    'operator log: ns per line through emit(), level enabled (to /dev/null, sync) and disabled',
  async run(): Promise<Row[]> {
    const fd = openSync('/dev/null', 'w');
    const write = (line: string) => void writeSync(fd, line);
    const dest = pino.destination({ dest: '/dev/null', sync: true });
    const rows: Row[] = [];
    const loggers: [string, HostLogger][] = [
      ['built-in text', stderrLogger({ level: 'warn', format: 'text', write })],
      ['built-in json', stderrLogger({ level: 'warn', format: 'json', write })],
      ['pino 10', pino({ level: 'warn' }, dest)],
    ];
    for (const [name, logger] of loggers)
      rows.push({
        logger: name,
        'enabled ns/line': nsPerLine(logger, 'warn'),
        'disabled ns/line': nsPerLine(logger, 'debug'),
      });
    closeSync(fd);
    return rows;
  },
};
