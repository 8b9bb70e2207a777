// The example PVFs as built: the ABI shape of Polkadot's adder blob, and plain MVP wasm, which
// is all Polkadot's executor accepts. Each check is shown to catch what it looks for.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shapeProblems } from '../../scripts/build-examples.js';
import { EXAMPLE_PVFS, exampleCode, exampleCodePath } from '../../src/examples/code.js';
import { inspectModule } from '../../runtime/wasm/inspect.js';
import { parseModule } from '../../runtime/wasm/sections.js';
import { exampleFromSource } from '../support/example-pvfs.js';
import {
  funcType,
  I32,
  I64,
  module,
  name,
  oneFunction,
  section,
  u32,
  vec,
} from '../support/wasm-bytes.js';

/**
 * Every post-MVP feature the module uses, as the shared inspector reports them (instructions,
 * types, segments), plus an exported or imported mutable global, which the MVP forbids and
 * which the inspector does not count as a proposal.
 */
function postMvpUses(code: Uint8Array): string[] {
  const report = inspectModule(code);
  if (report.format !== 'module') return ['component'];
  const uses = report.features.map((f) => f.feature as string);
  const m = parseModule(code);
  const importedGlobals = m.imports.filter((i) => i.kind === 'global');
  const exported = m.exports.filter((e) => e.kind === 'global').map((e) => e.index);
  const mutableExport = exported.some((i) =>
    i < importedGlobals.length
      ? importedGlobals[i]!.kind === 'global' && importedGlobals[i]!.global.mutable
      : m.globals[i - importedGlobals.length]?.mutable,
  );
  if (mutableExport || importedGlobals.some((i) => i.kind === 'global' && i.global.mutable))
    uses.push('mutable-globals');
  return uses.sort();
}

describe.each(EXAMPLE_PVFS)('%s.wasm', (pvf) => {
  it('imports only ext_logging_log_version_1 and exports the adder blob ABI', async () => {
    const code = await exampleFromSource(pvf);
    expect(shapeProblems(code)).toEqual([]);
    const m = parseModule(code);
    expect(m.imports.map((i) => `${i.module}.${i.name}`)).toEqual([
      'env.ext_logging_log_version_1',
    ]);
    expect(m.exports.map((e) => e.name).sort()).toEqual(
      ['__data_end', '__heap_base', 'memory', 'validate_block'].sort(),
    );
    expect(m.start).toBeUndefined();
    expect(inspectModule(code)).toMatchObject({
      abi: 'substrate',
      stubbedImports: [],
      deniedImports: [],
      memory: { kind: 'exported', name: 'memory' },
    });
  });

  it('is plain MVP wasm', async () => {
    expect(postMvpUses(await exampleFromSource(pvf))).toEqual([]);
  });

  it.runIf(existsSync(exampleCodePath(pvf)))('is what `npm run build` put in dist/', async () => {
    expect(exampleCode(pvf)).toEqual(await exampleFromSource(pvf));
  });
});

describe('the checks (negative controls)', () => {
  it('see a sign-extension instruction, a mutable exported global and multi-value', () => {
    const extend = oneFunction({
      types: [funcType([I32], [I32])],
      code: [0x20, 0, 0xc0], // local.get 0; i32.extend8_s
    });
    expect(postMvpUses(extend)).toEqual(['sign-extension']);
    const mutableGlobal = module(
      section(6, vec([[I32, 1, 0x41, 0, 0x0b]])), // (global (mut i32) (i32.const 0))
      section(7, vec([[...name('g'), 3, ...u32(0)]])),
    );
    expect(postMvpUses(mutableGlobal)).toEqual(['mutable-globals']);
    const twoResults = module(section(1, vec([funcType([], [I32, I64])])));
    expect(postMvpUses(twoResults)).toEqual(['multi-value']);
  });

  it('see an env.abort import and a missing export', () => {
    const abort = module(
      section(1, vec([funcType([I32, I32, I32, I32], [])])),
      section(2, vec([[...name('env'), ...name('abort'), 0, 0]])),
    );
    expect(shapeProblems(abort)).toEqual([
      'unexpected import env.abort:function',
      'missing export memory:memory',
      'missing export validate_block:function',
      'missing export __heap_base:global',
    ]);
  });
});
