// `pvf inspect`'s parsing, done where every other command parses untrusted bytes: in a sealed
// process (runtime/inspect-job.ts, started and checked from outside like a validation worker),
// so a bug in decompression or the wasm reader reaches nothing. The CLI process only reads the
// file, hashes it, and renders what the sealed process reports.
import { dirname, join } from 'node:path';
import type { BlobResult, BlobType } from '../../../runtime/blob/code-blob.js';
import type { InspectReport } from '../../../runtime/wasm/inspect.js';
import { defaultWorkerScript, sealedSpawner } from '../../host/spawner.js';
import { killSealed, sealedPid, type SandboxOptions } from '../../sandbox/index.js';

/** What the sealed process found. */
export type SealedInspection =
  | {
      readonly kind: 'ok';
      readonly blob: { type: BlobType; compressed: boolean; codeSize: number };
      readonly report: InspectReport;
    }
  | { readonly kind: 'refused'; readonly refusal: Exclude<BlobResult, { kind: 'ok' }> }
  | { readonly kind: 'malformed'; readonly message: string };

/** The first byte the process writes once started; must match runtime/inspect-job.ts. */
const STARTED = 0x01;
/** `DEFAULT_PRECHECK_PREPARATION_TIMEOUT`: parsing is a precheck's first step. */
const TIMEOUT_MS = 60_000;
/** A report is a few KiB per thousand imports and exports; anything beyond is refused. */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

/**
 * Decompresses (at most `limit` bytes out) and inspects `blob` in a sealed process running
 * `script` (the bundled inspect-job.js beside the worker; tests give others).
 * @throws {SandboxUnavailableError} when it cannot be sealed (as for validation workers).
 * @throws {Error} when the process fails, breaks the exchange or takes too long.
 */
export function inspectSealed(
  blob: Uint8Array,
  limit: number,
  sandbox: Partial<SandboxOptions>,
  script: string = join(dirname(defaultWorkerScript()), 'inspect-job.js'),
): Promise<SealedInspection> {
  const spawner = sealedSpawner(sandbox);
  const child = spawner.spawn(script);
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let size = 0;
    let started = false;
    let settled = false;
    let stderr = '';
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      killSealed(child);
      reject(new Error(message));
    };
    const timer = setTimeout(() => fail(`no answer within ${TIMEOUT_MS} ms`), TIMEOUT_MS);
    child.stdin!.on('error', () => {});
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4096)));
    child.stdout!.on('data', (chunk: Buffer) => {
      if (!started) {
        started = true;
        if (chunk[0] !== STARTED) return fail('the sealed process broke the exchange');
        chunk = chunk.subarray(1);
        // Nothing untrusted goes in before the outside check has passed.
        spawner.verify(sealedPid(child) ?? child.pid ?? -1, script).then(
          () => {
            const head = Buffer.alloc(4);
            head.writeUInt32LE(limit);
            child.stdin!.end(Buffer.concat([head, blob]));
          },
          (e: Error) => fail(e.message),
        );
      }
      size += chunk.length;
      if (size > MAX_REPLY_BYTES) return fail('the sealed process sent too much');
      out.push(chunk);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (settled) return;
      if (code !== 0) {
        const why = stderr.trim().split('\n').slice(-1)[0] ?? '';
        return fail(`the sealed process ended with ${signal ?? `code ${code}`}: ${why}`);
      }
      settled = true;
      try {
        resolve(
          JSON.parse(Buffer.concat(out).toString('utf8'), (_k, v: unknown) =>
            typeof v === 'object' &&
            v !== null &&
            typeof (v as { $hex?: unknown }).$hex === 'string'
              ? new Uint8Array(Buffer.from((v as { $hex: string }).$hex, 'hex'))
              : v,
          ) as SealedInspection,
        );
      } catch {
        reject(new Error('the sealed process sent no readable report'));
      }
    });
  });
}
