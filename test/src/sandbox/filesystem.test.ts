// Catalog I (Landlock): a sealed worker reads only its program, libraries, script folder and
// allowRead paths, writes nothing but /dev/null, and cannot look into other processes;
// libuv's threadpool is covered too (the in-process Landlock gotcha). Control: the same
// process without Landlock reads and writes all of it.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minus, reportOf, runSealed, SCRIPTS, without } from '../../support/sealed.js';

interface FsReport {
  reads: string[];
  asyncReads: string[];
  writes: string[];
}

describe.runIf(process.platform === 'linux')('Landlock filesystem rules', () => {
  let dir: string;
  let outside: string;
  let rw: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pvf-landlock-'));
    chmodSync(dir, 0o755);
    outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'not for the sandbox', { mode: 0o644 });
    rw = join(dir, 'writable');
    mkdirSync(rw);
    chmodSync(rw, 0o777); // file permissions allow anyone: only Landlock can refuse
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const plan = (n: string) =>
    JSON.stringify({
      reads: [outside, '/proc/1/status', `${SCRIPTS}/report.mjs`],
      asyncReads: [outside],
      writes: [join(rw, `${n}.txt`), join(SCRIPTS, `${n}-should-not-exist.txt`)],
    });

  it('denies reads outside the allowlist (threadpool included), writes anywhere and /proc/<other>', async () => {
    // Landlock alone: the minimal root (its own test) would hide these paths altogether.
    const r = reportOf<FsReport>(
      await runSealed(`${SCRIPTS}/report.mjs`, [plan('sealed')], {
        sandbox: { namespaces: false },
      }),
    );
    expect(r.reads).toEqual(['EACCES', 'EACCES', 'ok']);
    expect(r.asyncReads).toEqual(['EACCES']);
    expect(r.writes).toEqual(['EACCES', 'EACCES']);
    expect(existsSync(join(rw, 'sealed.txt'))).toBe(false);
  });

  it('allowRead grants reading, never writing', async () => {
    const r = reportOf<FsReport>(
      await runSealed(`${SCRIPTS}/report.mjs`, [plan('allowed')], {
        sandbox: { allowRead: [dir], namespaces: false },
      }),
    );
    expect(r.reads).toEqual(['ok', 'EACCES', 'ok']);
    expect(r.asyncReads).toEqual(['ok']);
    expect(r.writes[0]).toBe('EACCES');
  });

  it('negative control: without Landlock the same process reads and writes', async () => {
    const control = join(rw, 'control.txt');
    try {
      const r = reportOf<FsReport>(
        await runSealed(`${SCRIPTS}/report.mjs`, [plan('control')], {
          mutate: minus(without.landlock),
        }),
      );
      expect(r.reads).toEqual(['ok', 'ok', 'ok']);
      expect(r.asyncReads).toEqual(['ok']);
      expect(r.writes[0]).toBe('ok');
      expect(existsSync(control)).toBe(true);
    } finally {
      rmSync(control, { force: true });
      rmSync(join(SCRIPTS, 'control-should-not-exist.txt'), { force: true });
    }
  });
});
