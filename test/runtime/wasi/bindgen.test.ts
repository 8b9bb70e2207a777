// jco's bindgen as the component host loads it: from a folder laid out like dist/jco-bindgen,
// started synchronously on the project's own WASI shim, and refused loudly when the pinned
// glue does not have the shape the rewrites expect (a jco-transpile upgrade must fail here).
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXECUTOR_PARAMS } from '../../../runtime/engine/index.js';
import { prepareWasi } from '../../../runtime/wasi/abi.js';
import {
  BINDGEN_FILES,
  BindgenLoadError,
  bindgenDir,
  loadBindgenFrom,
} from '../../../runtime/wasi/component/bindgen.js';
import { exampleFromSource } from '../../support/example-pvfs.js';
import { wasiExample } from '../../support/wasi-pvfs.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the vendor files, the glue optionally edited. */
function copy(edit: (js: string) => string = (js) => js): string {
  const dir = mkdtempSync(join(tmpdir(), 'pvf-bindgen-'));
  dirs.push(dir);
  for (const f of BINDGEN_FILES) copyFileSync(join(bindgenDir(), f), join(dir, f));
  const glue = join(dir, BINDGEN_FILES[0]);
  writeFileSync(glue, edit(readFileSync(glue, 'utf8')));
  return dir;
}

describe('jco bindgen loader', () => {
  it('starts synchronously from a copied folder and transpiles a component', async () => {
    const bindgen = loadBindgenFrom(copy());
    const out = bindgen.generate(await wasiExample('component-adder'), {
      name: 'pvf',
      instantiation: { tag: 'sync' },
      noTypescript: true,
    });
    expect(out.exports).toEqual([['validateBlock', 'function']]);
    expect(out.files.map(([name]) => name)).toContain('pvf.js');
  });

  it('refuses a glue whose shape changed instead of running it half-rewritten', () => {
    const dir = copy((js) => js.replace('const instantiateCore = WebAssembly.instantiate;', ''));
    expect(() => loadBindgenFrom(dir)).toThrow(BindgenLoadError);
    expect(() => loadBindgenFrom(dir)).toThrow(/instantiateCore .* occurs 0 times, expected 1/);
  });

  it('fails with a typed error when the files are missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvf-bindgen-'));
    dirs.push(dir);
    expect(() => loadBindgenFrom(dir)).toThrow(BindgenLoadError);
  });
});

describe('ABI dispatch', () => {
  it('takes components and preview1 modules, and leaves Substrate PVFs to the engine', async () => {
    const p1 = prepareWasi(await wasiExample('wasi-p1-adder'), DEFAULT_EXECUTOR_PARAMS);
    expect(p1?.kind === 'prepared' && p1.prepared.abi).toBe('wasi-p1');
    const component = prepareWasi(await wasiExample('component-adder'), DEFAULT_EXECUTOR_PARAMS);
    expect(component?.kind === 'prepared' && component.prepared.abi).toBe('component');
    expect(prepareWasi(await exampleFromSource('adder'), DEFAULT_EXECUTOR_PARAMS)).toBeUndefined();
    expect(prepareWasi(new Uint8Array([1, 2, 3]), DEFAULT_EXECUTOR_PARAMS)).toBeUndefined();
  });
});
