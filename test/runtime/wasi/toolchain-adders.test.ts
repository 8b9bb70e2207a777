// The adder built by real toolchains (C with clang 19's defaults and with -mcpu=mvp, Rust for
// wasm32-wasi, and a component made with jco's preview1 reactor adapter) gives exactly the
// Substrate adder's ValidationResult bytes on a chain, and fails where it fails with the same
// panic payload. Skips, saying why, where the toolchains are not installed (not under CI).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeDeterministic } from '../../../runtime/determinism/prepare.js';
import { collectFeatures } from '../../../runtime/wasm/features.js';
import { parseModule } from '../../../runtime/wasm/sections.js';
import type { EngineOutcome } from '../../../runtime/engine/index.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import {
  type Candidate,
  INVALID_BLOCK_KINDS,
  panicPayload,
} from '../../../src/examples/candidate.js';
import { exampleFromSource, validator } from '../../support/example-pvfs.js';
import { hex } from '../../support/fixtures.js';
import {
  TOOLCHAIN_EXAMPLES,
  type ToolchainExample,
  toolchainExample,
  toolchainExamplesUnavailable,
} from '../../support/toolchain-examples.js';
import { componentValidator, p1Validator } from '../../support/wasi-pvfs.js';

const unavailable = toolchainExamplesUnavailable();
// clang runs binaryen's wasm-opt after linking when it finds one on PATH, and npm puts
// binaryen's in node_modules/.bin: the system folders only, for clang's own output.
const CLANG_PATH = '/usr/bin:/bin';
if (unavailable) console.warn(unavailable);

function summary(o: EngineOutcome): string {
  if (o.kind === 'valid') return `valid ${hex(o.result)}`;
  if (o.kind === 'invalid') return `invalid: ${panicPayload(o.message)}`;
  return `internal error: ${o.message}`;
}

function chain(blocks: number): Candidate[] {
  const adder = new AdderChain();
  const out: Candidate[] = [];
  for (let i = 1; i <= blocks; i++) {
    if (i % 20 === 1) for (const kind of INVALID_BLOCK_KINDS) out.push(adder.invalid(kind));
    out.push(adder.next());
  }
  return out;
}

describe.skipIf(unavailable !== undefined)('the adder from real toolchains', () => {
  let substrate: (params: Uint8Array) => EngineOutcome;
  beforeAll(async () => {
    substrate = validator(await exampleFromSource('adder'));
  });

  it.each(Object.entries(TOOLCHAIN_EXAMPLES))(
    '%s (%s) matches the Substrate adder on 60 blocks and every invalid kind',
    async (name, abi) => {
      const code = toolchainExample(name as ToolchainExample);
      const run = abi === 'component' ? await componentValidator(code) : p1Validator(code);
      const candidates = chain(60);
      const want = candidates.map((c) => `${c.label} ${summary(substrate(c.params))}`);
      expect(candidates.map((c) => `${c.label} ${summary(run(c.params))}`)).toEqual(want);
      expect(want.filter((w) => w.includes(' valid ')).length).toBe(60);
    },
  );

  it("clang's defaults: a function pointer is refused by the Substrate gate, runs under WASI", () => {
    // wasm-ld leaves call_indirect's type and table indices as padded five-byte LEBs (the
    // reference-types encoding) as soon as the C code calls through a function pointer.
    const dir = mkdtempSync(join(tmpdir(), 'pvf-fp-'));
    try {
      writeFileSync(
        join(dir, 'fp.c'),
        `typedef int (*op)(int, int);
        static int add(int a, int b) { return a + b; }
        static int sub(int a, int b) { return a - b; }
        static op ops[2] = {add, sub};
        __attribute__((export_name("apply"))) int apply(int k, int a, int b) { return ops[k & 1](a, b); }`,
      );
      const out = join(dir, 'fp.wasm');
      execFileSync(
        'clang-19',
        [
          ...['--target=wasm32-wasi', '-O2', '-nostdlib', '-Wl,--no-entry', '-o', out],
          join(dir, 'fp.c'),
        ],
        { env: { ...process.env, PATH: CLANG_PATH } },
      );
      const code = readFileSync(out);
      expect(makeDeterministic(code)).toMatchObject({
        kind: 'refused',
        feature: 'reference-types',
        opcode: 'call_indirect',
      });
      const wasi = makeDeterministic(code, { policy: 'wasi' });
      if (wasi.kind !== 'instrumented') throw new Error(wasi.message);
      const e = new WebAssembly.Instance(new WebAssembly.Module(wasi.bytes)).exports;
      const apply = e.apply as (k: number, a: number, b: number) => number;
      expect([apply(0, 7, 2), apply(1, 7, 2)]).toEqual([9, 5]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every example is accepted by the WASI policy; -mcpu=mvp also by the Substrate gate', () => {
    for (const name of Object.keys(TOOLCHAIN_EXAMPLES).filter((n) => !n.endsWith('component')))
      expect(
        makeDeterministic(toolchainExample(name as ToolchainExample), { policy: 'wasi' }).kind,
        name,
      ).toBe('instrumented');
    expect(makeDeterministic(toolchainExample('c-adder-mvp')).kind).toBe('instrumented');
    // LLVM 20's defaults: memcpy is memory.copy, which only the WASI policy accepts.
    const bulk = toolchainExample('c-adder-bulk');
    expect(collectFeatures(parseModule(bulk)).map((f) => f.feature)).toContain('bulk-memory');
    expect(makeDeterministic(bulk)).toMatchObject({ kind: 'refused', feature: 'bulk-memory' });
  });
});
