// WASI PVFs for tests: the WASI examples built fresh from source (not dist/, which may be
// stale), and tiny modules and components written as WAT in the tests themselves.
import { parse, componentEmbed, componentNew } from '@bytecodealliance/jco-transpile/wasm-tools';
import {
  buildWasiExample,
  exampleWit,
  type WasiExample,
} from '../../scripts/build-wasi-examples.js';
import {
  DEFAULT_EXECUTOR_PARAMS,
  type EngineOutcome,
  type ExecutorParams,
} from '../../runtime/engine/index.js';
import { prepareComponent, validateBlockComponent } from '../../runtime/wasi/component/pvf.js';
import { prepareWasiP1, validateBlockWasiP1 } from '../../runtime/wasi/preview1/pvf.js';

const built = new Map<WasiExample, Promise<Uint8Array>>();

/** A WASI example built from source, once per test process. */
export function wasiExample(name: WasiExample): Promise<Uint8Array> {
  let code = built.get(name);
  if (code === undefined) built.set(name, (code = buildWasiExample(name)));
  return code;
}

/** WAT text → a validated core module. */
export async function wat(text: string): Promise<Uint8Array> {
  const bytes = await parse(text);
  if (!WebAssembly.validate(bytes)) throw new Error('test WAT does not validate');
  return bytes;
}

/** WAT of a core module → a component of `world` (WIT in `wit`, default examples/wit). */
export async function componentFromWat(
  text: string,
  world: string,
  wit = exampleWit(),
): Promise<Uint8Array> {
  return componentNew(await componentEmbed({ binary: await wat(text), witSource: wit, world }));
}

/** Prepares a `wasi-p1` module; the returned function validates in a fresh instance. */
export function p1Validator(code: Uint8Array, params: ExecutorParams = DEFAULT_EXECUTOR_PARAMS) {
  const p = prepareWasiP1(code, params);
  if (p.kind !== 'prepared') throw new Error(`prepare failed: ${p.message}`);
  return (input: Uint8Array): EngineOutcome => validateBlockWasiP1(p.prepared, input);
}

/** Prepares a component; the returned function validates in a fresh instance. */
export async function componentValidator(
  code: Uint8Array,
  params: ExecutorParams = DEFAULT_EXECUTOR_PARAMS,
) {
  const p = await prepareComponent(code, params);
  if (p.kind !== 'prepared') throw new Error(`prepare failed: ${p.message}`);
  return (input: Uint8Array): EngineOutcome => validateBlockComponent(p.prepared, input);
}

/**
 * A SCALE `ValidationResult` with `head` as head data and everything else empty or zero
 * (what a test guest returns when it reports values through its head data).
 */
export function resultWithHead(head: Uint8Array): Uint8Array {
  if (head.length > 63) throw new Error('single-byte compact only');
  return Uint8Array.from([head.length << 2, ...head, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
}
