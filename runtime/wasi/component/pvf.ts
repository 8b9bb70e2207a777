// ABI 2, `component`: a WebAssembly component of the WIT world `pvf` (examples/wit/pvf.wit):
//   export validate-block: func(params: list<u8>) -> result<list<u8>, string>;
// `ok` carries SCALE `ValidationResult` bytes (decoded strictly, like a Substrate PVF's);
// `err(message)` makes the candidate invalid with that message. Imports may be any of the
// capability-free WASI 0.2 interfaces of ../preview2/host.ts — never wasi:sockets or wasi:http.
// Prepare reads the import names from the binary and refuses, then transpiles with jco (once
// per code hash, cached by the caller). Each execution instantiates afresh with a fresh host.
// A trap or `wasi:cli/exit` with a failure is invalid like in ABI 1; `err(message)` is invalid
// with reason `panic` and exactly that message.
import { checkValidationResult } from '../../engine/result-check.js';
import { classify } from '../../engine/traps.js';
import type {
  EngineOutcome,
  ExecutorParams,
  InvalidReason,
  PrepareError,
} from '../../engine/types.js';
import { checkComponentImports } from '../policy.js';
import { ComponentExit, ComponentLinkError, PREVIEW2_PROVIDED } from '../preview2/host.js';
import { StdioLog, stderrText } from '../stdio-log.js';
import { ComponentFormatError, componentImportNames } from './imports.js';
import { callValidateBlock, type LiveSlot, NoEntryPoint } from './instances.js';
import { type ComponentGlue, TranspileError, transpileComponent } from './transpile.js';

/** The export the `pvf` world requires, as jco's glue names it (`validate-block`). */
export const COMPONENT_ENTRY = 'validateBlock';

/** A `component` PVF ready for any number of executions. */
export interface PreparedComponent {
  readonly abi: 'component';
  readonly glue: ComponentGlue;
  readonly params: ExecutorParams;
  /** The reusable glue evaluation between validations (./instances.ts); one at a time. */
  readonly live: LiveSlot;
}

export type ComponentPrepareOutcome =
  | { readonly kind: 'prepared'; readonly prepared: PreparedComponent }
  | (PrepareError & { readonly reason: 'invalid-wasm' | 'bad-import' | 'bad-export' });

/** The refusal of a component without the world's export, naming what it exports instead. */
function missingEntry(exports: readonly string[]): string {
  // jco's glue lists an exported interface twice: `run` and `wasi:cli/run@0.2.12`.
  const isRun = (e: string) => e === 'run' || e.startsWith('wasi:cli/run');
  const named = exports.filter((e) => e !== 'run' || !exports.some((x) => x !== e && isRun(x)));
  const has =
    named.length === 0
      ? 'it exports nothing'
      : `it exports ${named.map((e) => (e === 'run' ? 'wasi:cli/run' : e)).join(', ')}`;
  const command = exports.some(isRun) ? ': a command component, whose run a PVF never calls' : '';
  return `a component PVF must export validate-block: func(params: list<u8>) -> result<list<u8>, string> (world pvf); ${has}${command}`;
}

/**
 * Checks a component's imports against the host's map, then transpiles and compiles it.
 * Synchronous (a sealed worker's loop never yields), so callers cache the result per code hash.
 * @throws {BindgenLoadError} only on a host fault: jco's bindgen cannot be loaded.
 */
export function prepareComponent(
  component: Uint8Array,
  params: ExecutorParams,
): ComponentPrepareOutcome {
  let names: string[];
  try {
    names = componentImportNames(component);
  } catch (err) {
    if (err instanceof ComponentFormatError)
      return {
        kind: 'prepare-error',
        stage: 'prevalidation',
        reason: 'invalid-wasm',
        message: err.message,
      };
    throw err;
  }
  const refused = checkComponentImports(names, PREVIEW2_PROVIDED);
  // Refusals of this ABI's rules are properties of the code (no reference to mirror): the
  // import map is checked as preparation, anything the bindgen or V8 refuses as prevalidation.
  if (refused)
    return {
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-import',
      message: refused.message,
    };
  let glue: ComponentGlue;
  try {
    glue = transpileComponent(component, params.maxMemoryPages, params.stackLogicalMax);
  } catch (err) {
    if (err instanceof TranspileError)
      return {
        kind: 'prepare-error',
        stage: 'prevalidation',
        reason: 'invalid-wasm',
        message: err.message,
      };
    throw err;
  }
  if (!glue.exports.includes(COMPONENT_ENTRY))
    return {
      kind: 'prepare-error',
      stage: 'preparation',
      reason: 'bad-export',
      message: missingEntry(glue.exports),
    };
  return { kind: 'prepared', prepared: { abi: 'component', glue, params, live: {} } };
}

/** Runs `validate-block` on SCALE `ValidationParams` bytes in a fresh instance. */
export function validateBlockComponent(
  prepared: PreparedComponent,
  input: Uint8Array,
): EngineOutcome {
  const log = new StdioLog(prepared.params.maxLogBytes);
  const invalid = (reason: InvalidReason, message: string): EngineOutcome => {
    const { logs, logsDropped } = log.finish();
    return { kind: 'invalid', reason, message, logs, logsDropped };
  };
  let output: Uint8Array;
  try {
    output = callValidateBlock(prepared.glue, prepared.live, log, input);
  } catch (err) {
    // With error wrapping off, jco's glue throws an `err(message)` result as the bare string.
    if (typeof err === 'string') return invalid('panic', err);
    if (err instanceof NoEntryPoint) return invalid('bad-entry-point', err.message);
    if (err instanceof ComponentExit)
      return err.code === 0
        ? invalid('bad-result', 'the PVF exited with code 0 without returning a result')
        : invalid('panic', stderrText(log) ?? err.message);
    if (err instanceof ComponentLinkError) return { kind: 'internal-error', message: err.message };
    const c = classify(v8TrapOf(err));
    if (c.kind === 'internal-error') return c;
    return invalid(c.reason, (c.reason === 'unreachable' && stderrText(log)) || c.message);
  }
  if (!(output instanceof Uint8Array))
    return invalid('bad-result', 'validate-block returned something other than bytes');
  const checked = checkValidationResult(output, 'exact');
  if (checked.kind !== 'ok') return invalid('bad-result', checked.message);
  const { logs, logsDropped } = log.finish();
  return { kind: 'valid', result: checked.result, logs, logsDropped };
}

// jco's glue rewrites V8's trap messages into wasmtime's wording (`_normalizeCoreTrap`, jco
// 1.x); the engine's one classifier reads V8's, so turn them back.
const JCO_TRAP_MESSAGES = new Map([
  ['wasm trap: wasm `unreachable` instruction executed', 'unreachable'],
  ['wasm trap: out of bounds memory access', 'memory access out of bounds'],
]);

function v8TrapOf(err: unknown): unknown {
  if (err instanceof WebAssembly.RuntimeError) {
    const v8 = JCO_TRAP_MESSAGES.get(err.message);
    if (v8 !== undefined) err.message = v8;
  }
  return err;
}
