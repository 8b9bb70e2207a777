// Turning command-line values into bytes and numbers: one reader for every file argument (a
// regular file of bounded size, never a device or FIFO that may not end), 0x-hex, and strict
// decimal integers. Each failure is a CliError naming the flag, with the exit code it deserves.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CliError, ExitCode } from './exit-codes.js';
import { POV_BOMB_LIMIT, VALIDATION_CODE_BOMB_LIMIT } from '../../runtime/blob/code-blob.js';

/**
 * Largest code file: no blob the workers accept decompresses to more than the code bomb limit
 * (30 MiB), so a bigger file, compressed or not, cannot be a PVF.
 */
export const MAX_CODE_FILE_BYTES = VALIDATION_CODE_BOMB_LIMIT;
/** Largest params, PoV or call-input file: the PoV bomb limit (40 MiB), `POV_BOMB_LIMIT`. */
export const MAX_DATA_FILE_BYTES = POV_BOMB_LIMIT;

/** Plain words for the errno codes a user meets when naming a file. */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  ENOTDIR: 'a parent is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
};

/**
 * Reads a regular file of 1 to `limit` bytes. `flag` (e.g. `--code`) names the argument in
 * messages; positional arguments pass none.
 * @throws {CliError} (BadInput) when the file is missing, unreadable, not a regular file,
 *   empty, or larger than `limit` (refused from its size, before reading).
 */
export function readInputFile(path: string, flag: string | undefined, limit: number): Uint8Array {
  const shown = path.length > 64 ? `${path.slice(0, 60)}…` : path;
  const fail = (why: string) =>
    new CliError(`${flag ? `${flag} ` : ''}${shown}: ${why}`, ExitCode.BadInput);
  let fd: number;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw fail(`cannot read: ${ERRNO_TEXT[code] ? `${ERRNO_TEXT[code]} (${code})` : code}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw fail('a directory, not a regular file');
    if (!st.isFile()) throw fail('not a regular file');
    if (st.size === 0) throw fail('empty file');
    if (st.size > limit) throw fail(`${st.size} bytes, over the ${limit}-byte limit`);
    const bytes = new Uint8Array(st.size);
    let at = 0;
    // A file that shrinks while read ends early; one that grows is read to its stat size.
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return at === bytes.length ? bytes : bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Bytes given as `0x…` hex (possibly `0x` for none) or as a file path (read with
 * {@link readInputFile}). A value of bare hex digits that is not a file gets a hint.
 */
export function bytesArg(value: string, flag: string, limit: number): Uint8Array {
  if (/^0x/i.test(value)) {
    if (!/^0[xX]([0-9a-fA-F]{2})*$/.test(value))
      throw new CliError(
        `${flag}: malformed hex (an even number of hex digits after 0x)`,
        ExitCode.BadInput,
      );
    if ((value.length - 2) / 2 > limit)
      throw new CliError(`${flag}: over the ${limit}-byte limit`, ExitCode.BadInput);
    return new Uint8Array(Buffer.from(value.slice(2), 'hex'));
  }
  try {
    return readInputFile(value, flag, limit);
  } catch (e) {
    if (e instanceof CliError && /^[0-9a-fA-F]+$/.test(value) && /: cannot read: /.test(e.message))
      throw new CliError(`${e.message}; hex must start with 0x`, e.exitCode);
    throw e;
  }
}

/**
 * A whole number in decimal digits within `range` (default: any). Hex, exponents, signs,
 * fractions and blanks are refused rather than guessed at.
 * @throws {CliError} (Usage) naming the flag.
 */
export function integerArg(
  value: string,
  flag: string,
  range: { min?: number; max?: number } = {},
): number {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = range;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds =
      max < Number.MAX_SAFE_INTEGER ? ` in [${min}, ${max}]` : min > 0 ? ` of at least ${min}` : '';
    throw new CliError(`${flag} must be a whole number${bounds}, got "${value}"`, ExitCode.Usage);
  }
  return n;
}
