// Whether the WASI ABIs should accept SIMD with per-lane NaN canonicalization, measured: the
// same float kernel (acc = acc * x + x over 64 KiB of f32, 64 passes) as scalar f32 with the
// canonicalization MVP code gets today (runtime/determinism/nan.ts), as f32x4 without any, and
// as f32x4 with each NaN-producing lane operation followed by the vector form of the same
// sequence (`local.tee t  v128.const nan  local.get t  local.get t  f32x4.eq  v128.bitselect`).
// Also whether the toolchains' default builds emit SIMD at all (dist/examples/toolchain).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectFeatures } from '../runtime/wasm/features.js';
import { parseModule } from '../runtime/wasm/sections.js';
import { isComponent } from '../runtime/wasi/component/imports.js';
import { readComponentStructure } from '../runtime/wasi/component/structure.js';
import { wat } from '../test/support/wat.js';
import { percentiles, type Row, type Section } from './section.js';

const BYTES = 65536;
const PASSES = 64;
const F32_CANON = 'local.tee $t f32.const nan local.get $t local.get $t f32.eq select';
const V128_CANON =
  'local.tee $v v128.const f32x4 nan nan nan nan local.get $v local.get $v f32x4.eq v128.bitselect';

// `store` keeps the accumulator observable, so that no compiler drops the loop.
const kernel = (body: string, locals: string, store: string) => `(module (memory (export "m") 1)
  (func (export "run") (result f32) (local $i i32) (local $p i32) ${locals}
    (loop $pass
      (local.set $i (i32.const 0))
      (loop $l ${body}
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 16))) (i32.const ${BYTES}))))
      (br_if $pass (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 1))) (i32.const ${PASSES}))))
    (${store} (i32.const 0) (local.get $acc)) (f32.load (i32.const 0))))`;

const scalar = (canon: string) =>
  kernel(
    [0, 4, 8, 12]
      .map(
        (o) => `(local.set $a (f32.load offset=${o} (local.get $i)))
        local.get $acc local.get $a f32.mul ${canon} local.get $a f32.add ${canon} local.set $acc`,
      )
      .join('\n'),
    '(local $acc f32) (local $a f32) (local $t f32)',
    'f32.store',
  );

const vector = (canon: string) =>
  kernel(
    `(local.set $x (v128.load (local.get $i)))
     local.get $acc local.get $x f32x4.mul ${canon} local.get $x f32x4.add ${canon} local.set $acc`,
    '(local $acc v128) (local $x v128) (local $v v128)',
    'v128.store',
  );

async function timeKernel(text: string): Promise<number> {
  const run = new WebAssembly.Instance(new WebAssembly.Module(await wat(text))).exports
    .run as () => number;
  for (let i = 0; i < 3; i++) run(); // tier up
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    run();
    samples.push(performance.now() - t0);
  }
  return percentiles(samples).p50;
}

/** How many built toolchain examples (core modules, components' included) use SIMD. */
function toolchainSimd(): string {
  const dir = 'dist/examples/toolchain';
  if (!existsSync(dir)) return 'not built (scripts/build-toolchain-examples.sh)';
  let modules = 0;
  let simd = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.wasm'))) {
    const bytes = readFileSync(join(dir, f));
    const cores = isComponent(bytes)
      ? readComponentStructure(bytes).coreModules.map((m) => m.bytes)
      : [bytes];
    for (const c of cores) {
      modules++;
      if (collectFeatures(parseModule(c)).some((u) => u.feature.includes('simd'))) simd++;
    }
  }
  return `${simd} of ${modules} core modules`;
}

export const simd: Section = {
  name: 'simd',
  description:
    'f32 kernel over 64 KiB × 64 passes, p50 of 15 runs in one process: scalar canonicalized ' +
    '(today), f32x4 raw, f32x4 canonicalized per lane',
  async run(): Promise<Row[]> {
    const canonScalar = await timeKernel(scalar(F32_CANON));
    const rawVector = await timeKernel(vector(''));
    const canonVector = await timeKernel(vector(V128_CANON));
    const ms = (x: number) => Math.round(x * 100) / 100;
    return [
      { kernel: 'scalar f32, canonicalized', ms: ms(canonScalar), 'vs scalar': 1 },
      { kernel: 'f32x4, raw', ms: ms(rawVector), 'vs scalar': ms(rawVector / canonScalar) },
      {
        kernel: 'f32x4, canonicalized per lane',
        ms: ms(canonVector),
        'vs scalar': ms(canonVector / canonScalar),
      },
      { kernel: 'toolchain defaults using SIMD', ms: toolchainSimd(), 'vs scalar': '' },
    ];
  },
};
