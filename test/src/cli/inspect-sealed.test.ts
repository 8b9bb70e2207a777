// `pvf inspect` parses in a sealed process: its report equals the in-process reader's on real
// PVFs, and what runs there is sealed (a job that tries to read /etc/passwd is refused; the
// same script run unsealed reads it: the negative control).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompressCode } from '../../../runtime/blob/code-blob.js';
import { inspectModule } from '../../../runtime/wasm/inspect.js';
import { inspectSealed } from '../../../src/cli/commands/inspect-sealed.js';
import { FIXTURES_DIR, HAVE_FIXTURES } from '../../support/fixtures.js';
import { testBundles, testScript } from '../../support/worker-bundle.js';

const LIMIT = 30 * 1024 * 1024;
const ROOT = join(import.meta.dirname, '../../..');

const HOSTILE_JOB = `
import { readFileSync, readSync, writeSync } from 'node:fs';
writeSync(1, Uint8Array.of(1));
const buf = Buffer.alloc(1 << 16);
while (readSync(0, buf, 0, buf.length, null) > 0);
let message;
try {
  message = readFileSync('/etc/passwd', 'utf8').slice(0, 5);
} catch (e) {
  message = 'refused: ' + e.code;
}
writeSync(1, JSON.stringify({ kind: 'malformed', message }));
`;

describe.runIf(process.platform === 'linux')('pvf inspect in a sealed process', () => {
  const sandboxOf = async () => ({ launcher: (await testBundles()).launcher });

  it.runIf(HAVE_FIXTURES)('reports exactly what the in-process reader reports', async () => {
    // The entry's own source (a bare `import` of it would be dropped: the package declares
    // no side effects), with its imports made relative to the project root.
    const source = readFileSync(join(ROOT, 'runtime/inspect-job.ts'), 'utf8');
    const job = await testScript(
      'inspect-job.js',
      source.replaceAll("from './", "from './runtime/"),
    );
    for (const file of ['pvf/adder.wasm', 'pvf/asset-hub-kusama.compact.compressed.wasm']) {
      const blob = new Uint8Array(readFileSync(`${FIXTURES_DIR}/${file}`));
      const sealed = await inspectSealed(blob, LIMIT, await sandboxOf(), job);
      const d = await decompressCode(blob, { limit: LIMIT });
      if (d.kind !== 'ok') throw new Error(d.kind);
      expect(sealed, file).toEqual({
        kind: 'ok',
        blob: { type: d.type, compressed: d.compressed, codeSize: d.bytes.length },
        // toEqual: fields JSON leaves out (undefined) count as equal to absent ones.
        report: inspectModule(d.bytes),
      });
    }
  });

  it('what runs there cannot read /etc/passwd; unsealed, the same script can', async () => {
    const job = await testScript('inspect-hostile.js', HOSTILE_JOB);
    const sealed = await inspectSealed(new Uint8Array(8), LIMIT, await sandboxOf(), job);
    expect(sealed).toMatchObject({
      kind: 'malformed',
      message: expect.stringMatching(/^refused: E/),
    });
    // Negative control.
    const stdout = execFileSync(process.execPath, [job], { input: '', encoding: 'utf8' });
    expect(JSON.parse(stdout.slice(1))).toEqual({ kind: 'malformed', message: 'root:' });
  });
});
