// The adder under all three ABIs on one chain of blocks: Polkadot's blob and our Substrate-ABI
// adder through the engine, our wasi-p1 adder through the preview1 host and our component
// adder through the component host. Valid blocks must give byte-identical ValidationResults;
// invalid ones must be invalid under every ABI, with the same panic payload.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineOutcome } from '../../../runtime/engine/index.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import {
  type Candidate,
  INVALID_BLOCK_KINDS,
  panicPayload,
} from '../../../src/examples/candidate.js';
import { exampleFromSource, validator } from '../../support/example-pvfs.js';
import { FIXTURES_DIR, fixture, HAVE_FIXTURES, hex, unhex } from '../../support/fixtures.js';
import { componentValidator, p1Validator, wasiExample } from '../../support/wasi-pvfs.js';

type Run = (params: Uint8Array) => EngineOutcome;
const runners: Record<string, Run> = {};

beforeAll(async () => {
  runners['substrate (ours)'] = validator(await exampleFromSource('adder'));
  if (HAVE_FIXTURES) runners['substrate (Polkadot blob)'] = validator(fixture('pvf/adder.wasm'));
  runners['wasi-p1'] = p1Validator(await wasiExample('wasi-p1-adder'));
  runners['component'] = await componentValidator(await wasiExample('component-adder'));
});

/** What must agree across ABIs: the result bytes, or invalidity and the panic payload. */
function summary(o: EngineOutcome): string {
  switch (o.kind) {
    case 'valid':
      return `valid ${hex(o.result)}`;
    case 'invalid':
      return `invalid: ${panicPayload(o.message)}`;
    case 'internal-error':
      return `internal error: ${o.message}`;
  }
}

const expected = (c: Candidate): string =>
  c.expected.kind === 'valid' ? `valid ${hex(c.expected.result)}` : `invalid: ${c.expected.panic}`;

function chain(): Candidate[] {
  const adder = new AdderChain();
  const out: Candidate[] = [];
  for (let i = 1; i <= 60; i++) {
    if (i % 20 === 1) for (const kind of INVALID_BLOCK_KINDS) out.push(adder.invalid(kind));
    out.push(adder.next());
  }
  return out;
}

describe('adder under every ABI', () => {
  it('gives byte-identical results on a 60-block chain with invalid blocks', () => {
    const candidates = chain();
    for (const [abi, run] of Object.entries(runners)) {
      const got = candidates.map((c) => `${c.label} ${summary(run(c.params))}`);
      expect(got, abi).toEqual(candidates.map((c) => `${c.label} ${expected(c)}`));
    }
    expect(Object.keys(runners).length).toBe(HAVE_FIXTURES ? 4 : 3);
  });

  it('is deterministic: the same params twice give the same outcome', () => {
    const c = new AdderChain().next();
    for (const run of Object.values(runners)) expect(run(c.params)).toEqual(run(c.params));
  });

  it('explains a state mismatch the same way under every ABI', () => {
    const c = new AdderChain().invalid('state-mismatch');
    const messages = Object.values(runners).map((run) => run(c.params));
    for (const o of messages)
      expect(o.kind === 'invalid' && panicPayload(o.message)).toBe('Executes block: StateMismatch');
    // The component returns err(...) rather than trapping: its message is the bare payload.
    expect(runners['component']!(c.params)).toMatchObject({
      reason: 'panic',
      message: 'Executes block: StateMismatch',
    });
  });

  describe.runIf(HAVE_FIXTURES)('the published gossamer vector', () => {
    it('gives its expected result under every ABI', () => {
      const v = JSON.parse(readFileSync(`${FIXTURES_DIR}/vectors/adder-gossamer.json`, 'utf8')) as {
        params: string;
        expectedResult: string;
      };
      for (const [abi, run] of Object.entries(runners))
        expect(summary(run(unhex(v.params))), abi).toBe(`valid ${v.expectedResult}`);
    });
  });
});
