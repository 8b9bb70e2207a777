// Runs PVFs in-process through the engine, and the example PVFs compiled fresh from
// examples/assembly (not dist/, which may be stale), for the example tests and benchmarks.
import { compileExamplePvf } from '../../scripts/build-examples.js';
import type { ExamplePvf } from '../../src/examples/code.js';
import { prepare, validateBlock, type EngineOutcome } from '../../runtime/engine/index.js';
import { panicPayload } from '../../src/examples/candidate.js';

const compiled = new Map<ExamplePvf, Promise<Uint8Array>>();

/** The example PVF compiled from source, once per test process. */
export function exampleFromSource(name: ExamplePvf): Promise<Uint8Array> {
  let code = compiled.get(name);
  if (code === undefined) compiled.set(name, (code = compileExamplePvf(name)));
  return code;
}

/** Prepares `code` once; the returned function runs `validate_block` in a fresh instance. */
export function validator(code: Uint8Array): (params: Uint8Array) => EngineOutcome {
  const prepared = prepare(code);
  if (prepared.kind !== 'prepared') throw new Error(`prepare failed: ${prepared.message}`);
  return (params) => validateBlock(prepared.prepared, params);
}

/** What two executors must agree on: the result bytes, or the trap and the panic payload. */
export type OutcomeSummary =
  | { kind: 'valid'; result: string }
  | { kind: 'invalid'; reason: string; panic: string }
  | { kind: 'internal-error'; message: string };

export function summarize(o: EngineOutcome): OutcomeSummary {
  switch (o.kind) {
    case 'valid':
      return { kind: 'valid', result: Buffer.from(o.result).toString('hex') };
    case 'invalid':
      return { kind: 'invalid', reason: o.reason, panic: panicPayload(o.message) };
    case 'internal-error':
      return { kind: 'internal-error', message: o.message };
  }
}
