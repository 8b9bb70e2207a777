// The adder from real toolchains (test/support/toolchain-examples.ts) through sealed workers:
// each gives the same ValidationResult bytes as the Substrate-ABI adder on the same chain.
// Skips, saying why, where the toolchains are not installed (not under CI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationHost } from '../../../src/host/validation-host.js';
import { AdderChain } from '../../../src/examples/adder-chain.js';
import { exampleFromSource } from '../../support/example-pvfs.js';
import { hex } from '../../support/fixtures.js';
import { createTestHost } from '../../support/test-host.js';
import {
  TOOLCHAIN_EXAMPLES,
  type ToolchainExample,
  toolchainExample,
  toolchainExamplesUnavailable,
} from '../../support/toolchain-examples.js';

const unavailable = process.platform === 'linux' ? toolchainExamplesUnavailable() : 'not Linux';
if (unavailable) console.warn(unavailable);

describe.skipIf(unavailable !== undefined)('toolchain-built adders in sealed workers', () => {
  let host: ValidationHost;
  beforeAll(async () => {
    host = await createTestHost();
  });
  afterAll(() => host?.close());

  it('validate a 12-block chain byte-identically to the Substrate adder', async () => {
    // One code at a time: a worker serves one code hash until it is retired.
    const substrate = await exampleFromSource('adder');
    const chain = new AdderChain();
    const blocks = Array.from({ length: 12 }, () => chain.next().params);
    const want: string[] = [];
    for (const params of blocks) {
      const o = await host.validate({ code: substrate, params });
      want.push(o.kind === 'valid' ? hex(o.resultBytes) : o.kind);
    }
    expect(want.every((w) => w.startsWith('0x'))).toBe(true);
    for (const name of Object.keys(TOOLCHAIN_EXAMPLES) as ToolchainExample[]) {
      const code = toolchainExample(name);
      const got: string[] = [];
      for (const params of blocks) {
        const o = await host.validate({ code, params });
        got.push(o.kind === 'valid' ? hex(o.resultBytes) : o.kind);
      }
      expect(got, name).toEqual(want);
    }
    const mismatch = chain.invalid('state-mismatch');
    for (const name of Object.keys(TOOLCHAIN_EXAMPLES) as ToolchainExample[])
      expect(
        await host.validate({ code: toolchainExample(name), params: mismatch.params }),
        name,
      ).toMatchObject({ kind: 'invalid', message: 'Executes block: StateMismatch' });
  }, 120_000);
});
