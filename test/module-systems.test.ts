// The package as applications load it, outside its own folder (linked into an application's
// node_modules, as npm installs it): `require('pvf-runtime')` from CommonJS runs a validation
// (the host side has no top-level await); the collator subpath, which has one, is refused with
// Node's ERR_REQUIRE_ASYNC_MODULE; and an application bundled with esbuild starts its sealed
// workers with no path set, finding the worker and launcher bundles in the installed package.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const ADDER = join(ROOT, 'dist/examples/adder.wasm');
const BUILT = existsSync(join(ROOT, 'dist/index.js')) && existsSync(ADDER);
const run = promisify(execFile);

/** An application folder with the package linked into its node_modules. */
function appDir(linked: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'pvf-app-'));
  if (linked) {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'pvf-runtime'));
  }
  dirs.push(dir);
  return dir;
}
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CJS_APP = `
const { readFileSync } = require('node:fs');
const { ValidationHost } = require('pvf-runtime');
const { AdderChain } = require('pvf-runtime/examples');
(async () => {
  const host = await ValidationHost.create({ workers: 1, logger: {} });
  const out = await host.validate({ code: readFileSync(process.argv[2]), params: new AdderChain().next().params });
  await host.close();
  console.log(out.kind);
  try {
    require('pvf-runtime/collator');
    console.log('collator loaded');
  } catch (e) {
    console.log(e.code);
  }
})();
`;

const ESM_APP = `
import { readFileSync } from 'node:fs';
import { ValidationHost } from 'pvf-runtime';
import { AdderChain } from 'pvf-runtime/examples';
const host = await ValidationHost.create({ workers: 1, logger: {} });
const out = await host.validate({ code: readFileSync(process.argv[2]), params: new AdderChain().next().params });
await host.close();
console.log(out.kind);
`;

describe.runIf(BUILT && process.platform === 'linux')('module systems and bundlers', () => {
  it("require('pvf-runtime') from CommonJS validates; the collator subpath is refused by Node", async () => {
    const dir = appDir(true);
    writeFileSync(join(dir, 'app.cjs'), CJS_APP);
    const { stdout } = await run(process.execPath, [join(dir, 'app.cjs'), ADDER], { cwd: dir });
    expect(stdout.trim().split('\n')).toEqual(['valid', 'ERR_REQUIRE_ASYNC_MODULE']);
  });

  it('an esbuild bundle of an application finds the worker and launcher with no path set', async () => {
    const dir = appDir(true);
    writeFileSync(join(dir, 'app.mjs'), ESM_APP);
    const outfile = join(dir, 'out', 'app.mjs');
    await build({
      entryPoints: [join(dir, 'app.mjs')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['koffi'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: 'error',
    });
    // The application's own folder has no worker.js or launcher.js beside its bundle.
    expect(existsSync(join(dir, 'out', 'worker.js'))).toBe(false);
    const { stdout } = await run(process.execPath, [outfile, ADDER], { cwd: dir });
    expect(stdout.trim()).toBe('valid');

    // Negative control: the same bundle where the package is not installed cannot start them.
    const bare = appDir(false);
    const copy = join(bare, 'app.mjs');
    writeFileSync(copy, readFileSync(outfile));
    const failed = await run(process.execPath, [copy, ADDER], { cwd: bare }).then(
      () => undefined,
      (e: { stderr: string }) => e.stderr,
    );
    expect(failed).toMatch(/worker\.js does not exist/);
  });
});
