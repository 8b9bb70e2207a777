// The files a program needs to start: its binary, its ELF interpreter and shared libraries
// (as the system's dynamic loader resolves them), and a script's `#!` interpreter. These are
// the read-only Landlock rules that let exactly that program run.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The file is not something the sandbox can launch (not found, not ELF or script). */
export class ProgramFilesError extends Error {
  override name = 'ProgramFilesError';
}

function head(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** The PT_INTERP path of a 64-bit little-endian ELF file, or null for a static binary. */
export function elfInterpreter(path: string): string | null {
  const h = head(path, 64);
  if (h.length < 64 || h.readUInt32BE(0) !== 0x7f454c46)
    throw new ProgramFilesError(`${path}: not an ELF file`);
  if (h[4] !== 2 || h[5] !== 1)
    throw new ProgramFilesError(`${path}: not a 64-bit little-endian ELF file`);
  const phoff = Number(h.readBigUInt64LE(32));
  const phentsize = h.readUInt16LE(54);
  const phnum = h.readUInt16LE(56);
  const table = head(path, phoff + phentsize * phnum).subarray(phoff);
  for (let i = 0; i < phnum; i++) {
    const ph = table.subarray(i * phentsize);
    if (ph.readUInt32LE(0) !== 3 /* PT_INTERP */) continue;
    const offset = Number(ph.readBigUInt64LE(8));
    const size = Number(ph.readBigUInt64LE(32));
    return head(path, offset + size)
      .subarray(offset)
      .toString('latin1')
      .replace(/\0.*$/s, '');
  }
  return null;
}

/** Libraries the dynamic loader maps for `binary` (absolute real paths). `--list` only
 *  resolves and maps, it runs none of the binary's code. */
export function sharedLibraries(binary: string, interpreter: string, named?: string[]): string[] {
  const out = execFileSync(interpreter, ['--list', binary], { encoding: 'utf8', timeout: 10_000 });
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s+(\/\S+)\s+\(/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m?.[1]) {
      libs.push(realpathSync(m[1]));
      named?.push(m[1]);
    } else if (/=>\s+not found/.test(line))
      throw new ProgramFilesError(`${binary}: ${line.trim()}`);
  }
  return libs;
}

const cache = new Map<string, readonly string[]>();
const namesCache = new Map<string, readonly string[]>();

/**
 * The paths by which the kernel and the dynamic loader open `program`'s files (the program
 * as named, PT_INTERP as written, libraries as the loader's cache names them, a `#!`
 * interpreter as written), symlinks unresolved: a minimal root must offer these names, not
 * only the real files behind them.
 */
export function programNames(program: string): readonly string[] {
  programFiles(program);
  return namesCache.get(program) ?? [];
}

/**
 * Every file `program` (an absolute path) needs to start, as real paths; a `#!` script brings
 * its interpreter's files (one level). Cached per program.
 */
export function programFiles(program: string, depth = 0): readonly string[] {
  const cached = cache.get(program);
  if (cached) return cached;
  if (!existsSync(program)) throw new ProgramFilesError(`${program}: not found`);
  const real = realpathSync(program);
  const first = head(real, 256);
  let files: string[];
  const names = [program];
  if (first.subarray(0, 2).toString('latin1') === '#!') {
    const line = first.toString('latin1').slice(2).split('\n')[0]!.trim();
    const interp = line.split(/\s+/)[0] ?? '';
    if (!interp.startsWith('/') || depth > 0)
      throw new ProgramFilesError(`${program}: unsupported #! line`);
    files = [real, ...programFiles(interp, depth + 1)];
    names.push(...(namesCache.get(interp) ?? []));
  } else {
    const interp = elfInterpreter(real);
    if (interp !== null) names.push(interp);
    files =
      interp === null
        ? [real]
        : [real, ...sharedLibraries(real, interp, names), realpathSync(interp)];
  }
  const ldCache = '/etc/ld.so.cache';
  if (existsSync(ldCache)) files.push(ldCache);
  const unique = [...new Set(files)];
  cache.set(program, unique);
  namesCache.set(program, [...new Set(names)]);
  return unique;
}

/** The nearest package.json above `file` (Node reads it to know whether .js is ESM). */
export function nearestPackageJson(file: string): string | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}
