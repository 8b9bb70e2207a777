// Real Cumulus blocks end to end: the offline collator builds a short chain of each real runtime
// (Asset Hub Kusama from its chain spec, state version 0; the parachain template from its
// written genesis, state version 1) in the peer executor, and every candidate — the valid blocks
// and one broken block of each kind — must end exactly as expected through sealed workers, and
// in the peer too. The post-state roots are checked against smoldot's trie (a second
// implementation) and the engine's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeValidationResult } from '../../../runtime/codec/validation.js';
import { trieRoot } from '../../../runtime/host/trie-root.js';
import { blake2_256 } from '../../../runtime/host/hash-functions.js';
import { NEGATIVE_KINDS } from '../../../src/collator/negatives.js';
import { PeerCallError, peerCall, peerStateRoot } from '../../../src/collator/peer.js';
import { fromHex } from '../../../src/collator/scale.js';
import { panicPayload } from '../../../src/examples/candidate.js';
import { meetsExpectation } from '../../../src/examples/chain-run.js';
import { type CumulusRun, cumulusRun, loadParachain } from '../../../src/examples/cumulus-chain.js';
import { ValidationHost } from '../../../src/host/validation-host.js';
import { HAVE_FIXTURES } from '../../support/fixtures.js';
import { testBundles } from '../../support/worker-bundle.js';

const noStorage = {
  get(): never {
    throw new Error('validate_block read the node storage');
  },
  nextKey(): never {
    throw new Error('validate_block stepped through the node storage');
  },
};

describe.runIf(HAVE_FIXTURES && process.platform === 'linux').each([
  ['asset-hub', 0],
  ['template', 1],
] as const)('real %s blocks', (name, version) => {
  let run: CumulusRun;
  let host: ValidationHost;

  beforeAll(async () => {
    const b = await testBundles();
    // One after the other: the peer runs on this thread and would hold up the handshake.
    run = await cumulusRun(await loadParachain(name), { blocks: 2, transfers: 2, negatives: true });
    host = await ValidationHost.create({
      workers: 1,
      workerScript: b.worker,
      sandbox: { launcher: b.launcher },
    });
  }, 120_000);
  afterAll(() => host?.close());

  it('are a chain of sealed blocks whose state roots three trie implementations agree on', async () => {
    expect(run.parachain.config.genesis.version).toBe(version);
    expect(run.blocks.map((b) => b.number)).toEqual([1, 2]);
    expect(run.blocks[1]!.parentHead).toEqual(
      decodeValidationResult(run.blocks[0]!.result).headData,
    );
    for (const b of run.blocks) {
      const entries = [...b.postState.entries()].map(([k, v]) => [fromHex(k), v] as const);
      const ours = b.postState.trie().rootHash;
      expect(b.header.stateRoot).toEqual(ours);
      expect(await peerStateRoot(entries, version)).toEqual(ours);
      expect(
        trieRoot(
          entries.map(([k, v]) => [k, v]),
          version,
          blake2_256,
        ),
      ).toEqual(ours);
      expect(b.weight.refTime).toBeGreaterThan(0n);
    }
  });

  it('validate exactly through a sealed worker: valid blocks and every negative with its panic', async () => {
    expect(run.candidates).toHaveLength(2 + NEGATIVE_KINDS.length);
    const code = run.parachain.config.code;
    for (const c of run.candidates) {
      const got = await host.validate({ code, params: c.params, kind: 'approval' });
      expect(
        meetsExpectation(c.expected, got),
        `${c.label}: ${JSON.stringify(got).slice(0, 400)}`,
      ).toBe(true);
    }
  }, 120_000);

  it('end the same way in the peer executor', async () => {
    const code = run.parachain.config.code;
    for (const c of run.candidates) {
      const outcome = await peerCall(code, [['validate_block', c.params]], noStorage).then(
        (r) => ({ kind: 'valid' as const, result: r.output }),
        (e: unknown) => {
          if (!(e instanceof PeerCallError)) throw e;
          return { kind: 'invalid' as const, panic: panicPayload(e.panic ?? e.message) };
        },
      );
      expect(outcome, c.label).toEqual(c.expected);
    }
  }, 120_000);
});
