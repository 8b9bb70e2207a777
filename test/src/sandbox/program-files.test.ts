// The files a program needs to start, which become its read-only Landlock rules.
import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  elfInterpreter,
  nearestPackageJson,
  programFiles,
  ProgramFilesError,
} from '../../../src/sandbox/program-files.js';

describe.runIf(process.platform === 'linux')('program files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pvf-program-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('node: its real binary, the ELF interpreter and the libc it links', () => {
    const interp = elfInterpreter(realpathSync(process.execPath));
    expect(interp).toMatch(/^\/lib.*\/ld-linux.*\.so\.\d$/);
    const files = programFiles(process.execPath);
    expect(files[0]).toBe(realpathSync(process.execPath));
    expect(files).toContain(realpathSync(interp!));
    expect(files.some((f) => /\/libc\.so\.6$/.test(f))).toBe(true);
    for (const f of files) expect(realpathSync(f)).toBe(f);
  });

  it('a #! script brings its interpreter and that interpreter’s libraries', () => {
    const script = join(dir, 'hello.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    chmodSync(script, 0o755);
    const files = programFiles(script);
    expect(files[0]).toBe(realpathSync(script));
    expect(files).toContain(realpathSync('/bin/sh'));
    expect(files.some((f) => /\/libc\.so\.6$/.test(f))).toBe(true);
  });

  it('refuses what it cannot launch, with the reason', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(
      text,
      'plain text, long enough to hold an ELF header .................................',
    );
    expect(() => elfInterpreter(text)).toThrow(ProgramFilesError);
    expect(() => programFiles(text)).toThrow(/not an ELF file/);
    expect(() => programFiles(join(dir, 'missing'))).toThrow(/not found/);
    const relative = join(dir, 'relative.sh');
    writeFileSync(relative, '#!sh\n');
    expect(() => programFiles(relative)).toThrow(/unsupported #! line/);
  });

  it('finds the nearest package.json (Node reads it to tell ESM from CommonJS)', () => {
    expect(nearestPackageJson(resolve(import.meta.dirname, 'scripts', 'report.mjs'))).toBe(
      resolve(import.meta.dirname, '../../../package.json'),
    );
  });
});
