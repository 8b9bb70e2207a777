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
export function readInputFile(
  path: string,
  flag: string | undefined,
  limit: number,
  shownLimit = limit,
): Uint8Array {
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
    if (st.size > limit) throw fail(`${st.size} bytes, over the ${shownLimit}-byte limit`);
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
 * Bytes given as `0x…` hex (possibly `0x` for none), as a file path (read with
 * {@link readInputFile}), or as `-` for standard input; `flag` names the argument in messages
 * (positional arguments pass none). A file or stdin holding `0x…` hex text
 * (as block explorers and chain tools write it; surrounding white space allowed) is decoded:
 * no PVF, PoV or SCALE params file starts with the bytes `0x` followed by nothing but hex
 * digits, so the two readings cannot be confused. A value of bare hex digits that is not a file
 * gets a hint.
 */
export function bytesArg(value: string, flag: string | undefined, limit: number): Uint8Array {
  if (/^0x/i.test(value)) return hexArg(value, flag ?? 'argument', limit);
  // Read up to the size the same bytes take as hex text; binary is held to `limit` below.
  const textLimit = 2 * limit + 4;
  let bytes: Uint8Array;
  try {
    bytes =
      value === '-'
        ? readStdin(flag ?? 'argument', textLimit, limit)
        : readInputFile(value, flag, textLimit, limit);
  } catch (e) {
    if (e instanceof CliError && /^[0-9a-fA-F]+$/.test(value) && /: cannot read: /.test(e.message))
      throw new CliError(`${e.message}; hex must start with 0x`, e.exitCode);
    throw e;
  }
  if (isHexText(bytes))
    return hexArg(Buffer.from(bytes).toString('latin1').trim(), flag ?? value, limit);
  if (bytes.length > limit)
    throw new CliError(
      `${flag ? `${flag} ` : ''}${value}: ${bytes.length} bytes, over the ${limit}-byte limit`,
      ExitCode.BadInput,
    );
  return bytes;
}

/** `0x` and an even number of hex digits, within `limit` decoded bytes. */
function hexArg(text: string, flag: string, limit: number): Uint8Array {
  if (!/^0[xX]([0-9a-fA-F]{2})*$/.test(text))
    throw new CliError(
      `${flag}: malformed hex (an even number of hex digits after 0x)`,
      ExitCode.BadInput,
    );
  if ((text.length - 2) / 2 > limit)
    throw new CliError(`${flag}: over the ${limit}-byte limit`, ExitCode.BadInput);
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}

/** True for `0x` + hex digits, possibly wrapped in ASCII white space (a trailing newline). */
function isHexText(bytes: Uint8Array): boolean {
  let start = 0;
  let end = bytes.length;
  const space = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  while (start < end && space(bytes[start]!)) start++;
  while (end > start && space(bytes[end - 1]!)) end--;
  if (end - start < 2 || bytes[start] !== 0x30 || (bytes[start + 1]! | 0x20) !== 0x78) return false;
  for (let i = start + 2; i < end; i++) {
    const b = bytes[i]! | 0x20; // lower-cases letters; digits are unchanged
    if (!((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66))) return false;
  }
  return true;
}

let stdinTaken: string | undefined;

/**
 * All of standard input, 1 to `limit` bytes (`shownLimit` in messages); one argument at most may read it. Reads
 * synchronously: the CLI has nothing else to do until its input is complete.
 */
function readStdin(flag: string, limit: number, shownLimit: number): Uint8Array {
  const fail = (why: string) => new CliError(`${flag} -: ${why}`, ExitCode.BadInput);
  if (stdinTaken !== undefined)
    throw new CliError(
      `${flag} -: standard input is already read by ${stdinTaken}`,
      ExitCode.Usage,
    );
  stdinTaken = flag;
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe with no data yet
      if (code === 'EOF') break;
      throw fail(`cannot read standard input: ${code ?? String(e)}`);
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw fail(`over the ${shownLimit}-byte limit`);
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  if (total === 0) throw fail('empty standard input');
  return new Uint8Array(Buffer.concat(chunks, total));
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
