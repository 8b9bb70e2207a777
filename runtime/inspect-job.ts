// Entry point of the sealed process that `pvf inspect` parses untrusted bytes in (bundled to
// dist/inspect-job.js), sealed like a worker (src/host/spawner.ts): decompression and the
// wasm reader run on attacker-chosen bytes, so they run where a bug in them reaches nothing.
//
// A one-shot exchange on stdio: it writes one byte (STARTED) so the host can check its seal
// from outside before sending anything; it then reads stdin to EOF — a u32 LE decompression
// limit, then the blob — and writes one JSON document: `{ kind: 'ok', blob, report }` or
// `{ kind: 'refused', message }`. Byte arrays are `{ "$hex": "…" }` (see inspectJson).
import { readSync, writeSync } from 'node:fs';
import { decompressCode } from './blob/code-blob.js';
import { inspectModule } from './wasm/inspect.js';
import { WasmParseError } from './wasm/reader.js';

/** The first byte it writes; must match STARTED in src/cli/commands/inspect-sealed.ts. */
const STARTED = 0x01;

function readAll(): Buffer {
  const chunks: Buffer[] = [];
  const buf = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    const n = readSync(0, buf, 0, buf.length, null);
    if (n === 0) return Buffer.concat(chunks);
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
}

function reply(value: unknown): void {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Uint8Array ? { $hex: Buffer.from(v).toString('hex') } : v,
  );
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length;) at += writeSync(1, bytes, at);
}

writeSync(1, Uint8Array.of(STARTED));
const input = readAll();
if (input.length < 4) {
  process.stderr.write('pvf-inspect: no limit in the request\n');
  process.exit(65);
}
const limit = input.readUInt32LE(0);
const blob = new Uint8Array(input.buffer, input.byteOffset + 4, input.length - 4);
const decompressed = await decompressCode(blob, { limit });
if (decompressed.kind !== 'ok') reply({ kind: 'refused', refusal: decompressed });
else {
  try {
    const report = inspectModule(decompressed.bytes);
    reply({
      kind: 'ok',
      blob: {
        type: decompressed.type,
        compressed: decompressed.compressed,
        codeSize: decompressed.bytes.length,
      },
      report,
    });
  } catch (err) {
    if (!(err instanceof WasmParseError)) throw err;
    reply({ kind: 'malformed', message: err.message });
  }
}
