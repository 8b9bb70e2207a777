// Turns a component PVF into something V8 can run: jco's bindgen (./bindgen.ts) writes
// JavaScript glue for the canonical ABI plus the component's core modules. The glue is
// generated in `instantiation: 'sync'` mode, so it has no `import` statements and no
// `import.meta` and is loaded with `new Function` — no temp files, no module cache growing with
// every PVF, nothing to write in a sealed worker. The bindgen is loaded on first use only: a
// worker that never sees a component never reads it.
import type { GenerateOptions } from '@bytecodealliance/jco-transpile/component';
import { makeDeterministic } from '../../determinism/prepare.js';
import { parseModule } from '../../wasm/sections.js';
import { loadBindgen } from './bindgen.js';
import { prepareGlueBody } from './glue-text.js';
import { type ReusableFactory, reusableGlue } from './reusable-glue.js';
import { CoreMemories, type CoreMemory } from './core-memories.js';
import { capDefinedMemory } from './memory-cap.js';
import { describeCoreFile } from './structure.js';
import { MemoryPool } from '../../engine/memory-pool.js';
import { setupMemory } from '../../engine/memory-setup.js';

/** What the generated glue's `instantiate` returns for the `pvf` world. */
export interface PvfComponentExports {
  /** `validate-block`: the ok bytes, or throws the `err` string (no error wrapping). */
  validateBlock?: (params: Uint8Array) => Uint8Array;
}

/** A component compiled once, instantiated per execution. */
export interface ComponentGlue {
  instantiate(imports: Record<string, object>): PvfComponentExports;
  /**
   * The same glue evaluated once for many validations (./reusable-glue.ts), or why its text
   * cannot be: then `instantiate` is the only way.
   */
  readonly reusable: ReusableFactory | string;
  /** Instantiates core modules with recycled memories; release them after each validation. */
  readonly cores: CoreMemories;
  /** The core modules by the names the glue asks for. */
  getCoreModule(name: string): WebAssembly.Module;
  /** Interfaces the glue reads at instantiation (unversioned). */
  readonly imports: readonly string[];
  /** Exported names as the glue spells them (`validateBlock`). */
  readonly exports: readonly string[];
}

/** The bindgen refused the component (malformed, or a feature it cannot bind). */
export class TranspileError extends Error {
  override name = 'TranspileError';
}

const OPTIONS: GenerateOptions = {
  name: 'pvf',
  instantiation: { tag: 'sync' },
  noTypescript: true,
  noNodejsCompat: true,
  // An `err` result is thrown as its raw payload (the string), not wrapped in ComponentError.
  noComponentErrorWrapping: true,
  // Core modules arrive as separate files, never inlined as base64 into the glue.
  base64Cutoff: Number.MAX_SAFE_INTEGER,
  map: [],
};

/**
 * Transpiles and compiles a component; every memory it defines is capped at `maxMemoryPages`,
 * as the engine caps a Substrate PVF's, and every core module gets the logical stack limit
 * `stackLogicalMax` (the executor parameter; undefined: the reference's default).
 * @throws {TranspileError} when the bindgen refuses it or a core module does not compile.
 * @throws {BindgenLoadError} when the bindgen itself cannot be loaded (a host fault).
 */
export function transpileComponent(
  component: Uint8Array,
  maxMemoryPages: number,
  stackLogicalMax?: number,
): ComponentGlue {
  const bindgen = loadBindgen();
  let generated: ReturnType<typeof bindgen.generate>;
  try {
    generated = bindgen.generate(component, OPTIONS);
  } catch (err) {
    const said = bindgen.log
      .drain()
      .map((r) => r.message)
      .join('; ');
    throw new TranspileError(
      `jco could not transpile the component: ${describe(err)}${said ? ` (${said})` : ''}`,
    );
  }
  const cores = new Map<string, WebAssembly.Module>();
  const memories = new Map<WebAssembly.Module, CoreMemory>();
  let js: string | undefined;
  for (const [name, bytes] of generated.files) {
    if (name.endsWith('.wasm')) {
      const core = compileCore(
        describeCoreFile(component, name),
        bytes,
        maxMemoryPages,
        stackLogicalMax,
      );
      cores.set(name, core.module);
      if (core.memory) memories.set(core.module, core.memory);
    } else if (name.endsWith('.js')) js = new TextDecoder().decode(bytes);
  }
  if (js === undefined) throw new TranspileError('jco produced no glue');
  const instantiate = loadGlue(js);
  const getCoreModule = (name: string): WebAssembly.Module => {
    const m = cores.get(name);
    if (!m) throw new TranspileError(`the glue asked for an unknown core module ${name}`);
    return m;
  };
  const coreMemories = new CoreMemories(memories);
  return {
    instantiate: (imports) => instantiate(getCoreModule, imports, coreMemories.instantiate),
    cores: coreMemories,
    reusable: reusableGlue(js),
    getCoreModule,
    imports: generated.imports,
    exports: generated.exports.map(([name]) => name),
  };
}

/**
 * Compiles one core module, made deterministic like a Substrate PVF. One that defines its own
 * memory (the guest's) has it capped like a Substrate PVF's and turned into an import served
 * from a pool (./core-memories.ts); if the module already imports from the rewrite's module
 * name, the memory stays defined and is only capped (./memory-cap.ts). jco's small shim
 * modules define none.
 */
function compileCore(
  name: string,
  bytes: Uint8Array,
  maxMemoryPages: number,
  stackLogicalMax: number | undefined,
): { module: WebAssembly.Module; memory?: CoreMemory } {
  // The engine's determinism step first (feature set, stack limiter, NaN canonicalization),
  // so a component behaves the same on every validator, as a Substrate PVF does.
  const det = makeDeterministic(bytes, { stackLogicalMax, policy: 'wasi' });
  if (det.kind === 'refused') throw new TranspileError(`core module ${name}: ${det.message}`);
  try {
    const m = parseModule(det.bytes);
    if (m.memories.length > 0 && !m.imports.some((i) => i.module === POOLED_MEMORY)) {
      const setup = setupMemory(det.layout, maxMemoryPages);
      if (setup.kind === 'error') throw new Error(setup.message);
      const { module: where, name: field, initial, maximum } = setup.memory;
      const pool = new MemoryPool({ initial, maximum });
      const memory = { module: where, name: field, pool };
      return { module: new WebAssembly.Module(setup.bytes), memory };
    }
    return { module: new WebAssembly.Module(capDefinedMemory(m, maxMemoryPages) ?? det.bytes) };
  } catch (err) {
    throw new TranspileError(`core module ${name} does not compile: ${describe(err)}`);
  }
}

/** The module name the engine's memory rewrite gives a defined memory's import. */
const POOLED_MEMORY = 'pvf-runtime';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, object>,
  instantiateCore: CoreMemories['instantiate'],
) => PvfComponentExports;

/** Evaluates sync-instantiation glue: its only exports are `instantiate` and `_util`. */
function loadGlue(js: string): Instantiate {
  try {
    return new Function(
      `"use strict";\n${prepareGlueBody(js)}\nreturn instantiate;`,
    )() as Instantiate;
  } catch (err) {
    throw new TranspileError(`the generated glue does not load: ${describe(err)}`);
  }
}

const describe = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);
