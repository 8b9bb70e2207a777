// What the commands print: `--json` is one JSON document on stdout and nothing else there.
export const hex = (b: Uint8Array): string =>
  '0x' + Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/**
 * JSON with byte arrays as 0x-hex, bigints as decimal strings and absent optional fields as
 * `null` (so that every field of an outcome is present, e.g. `newValidationCode`).
 */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) =>
      v instanceof Uint8Array
        ? hex(v)
        : typeof v === 'bigint'
          ? v.toString()
          : v === undefined
            ? null
            : v,
    2,
  );
}

/** Writes `value` as the command's one JSON document. */
export function printJson(value: unknown): void {
  process.stdout.write(toJson(value) + '\n');
}
