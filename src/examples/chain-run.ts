// A chain run: builds blocks with a producer and validates each through a ValidationHost,
// checking every outcome against what the producer expects. Used by `pvf example adder` and by
// the embedding example; the report carries counts and latencies, not a verdict on speed.
import type { ValidationHost } from '../host/validation-host.js';
import type { ValidationOutcome } from '../host/outcome.js';
import { AdderChain } from './adder-chain.js';
import {
  type Candidate,
  type ExpectedOutcome,
  INVALID_BLOCK_KINDS,
  panicPayload,
} from './candidate.js';

/**
 * `blocks` valid adder blocks, each on the previous one's head, with one block of every
 * invalid kind spread evenly through the chain (they do not advance it).
 */
export function adderRunCandidates(blocks: number): Candidate[] {
  const chain = new AdderChain();
  const slots = INVALID_BLOCK_KINDS.length + 1;
  const invalidAt = INVALID_BLOCK_KINDS.map((_, k) => Math.floor(((k + 1) * blocks) / slots));
  const out: Candidate[] = [];
  for (let i = 0; i <= blocks; i++) {
    INVALID_BLOCK_KINDS.forEach((kind, k) => {
      if (invalidAt[k] === i) out.push(chain.invalid(kind));
    });
    if (i < blocks) out.push(chain.next());
  }
  return out;
}

/** Whether a host's outcome is exactly the expected one (result bytes, or trap and panic). */
export function meetsExpectation(expected: ExpectedOutcome, got: ValidationOutcome): boolean {
  if (expected.kind === 'valid')
    return got.kind === 'valid' && Buffer.from(got.resultBytes).equals(expected.result);
  return (
    got.kind === 'invalid' &&
    got.reason === 'worker-reported' &&
    got.trap === 'unreachable' &&
    panicPayload(got.message) === expected.panic
  );
}

export interface ChainRunReport {
  /** Candidates validated: the valid blocks plus the deliberate invalid ones. */
  readonly candidates: number;
  /** Valid blocks whose result matched the expected bytes. */
  readonly valid: number;
  /** Deliberately invalid blocks rejected with the expected panic. */
  readonly rejectedAsExpected: number;
  /** Candidates whose outcome differed from the expectation (should be empty). */
  readonly mismatches: readonly { label: string; expected: string; got: string }[];
  readonly seconds: number;
  readonly validationsPerSecond: number;
  /** Submission-to-outcome time of one validation, queueing included, in ms. */
  readonly latencyMs: { readonly p50: number; readonly p99: number };
  /** Time the workers took to compile the PVF once, in ms. */
  readonly compileMs: number;
}

export interface ChainRunOptions {
  /** Validations in flight at once (the host queues the rest of its pipeline). */
  readonly inFlight: number;
  /** Called after each outcome with the number done so far. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Prepares `code` (the example PVF the candidates were made for, e.g. `exampleCode('adder')`)
 * on `host`, then validates `candidates` with at most `inFlight` outstanding.
 * @throws what `host.prepare`/`validate` throw for misuse, and an Error if the code does not
 *   prepare; outcomes never throw.
 */
export async function runChain(
  host: ValidationHost,
  code: Uint8Array,
  candidates: readonly Candidate[],
  options: ChainRunOptions,
): Promise<ChainRunReport> {
  const prepared = await host.prepare(code);
  if (prepared.kind !== 'prepared')
    throw new Error(`the example PVF did not prepare: ${prepared.kind}: ${prepared.message}`);
  const outcomes: ValidationOutcome[] = new Array(candidates.length);
  let next = 0;
  let done = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < candidates.length) {
      const i = next++;
      outcomes[i] = await host.validate({
        codeHash: prepared.codeHash,
        params: candidates[i]!.params,
      });
      options.onProgress?.(++done, candidates.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.inFlight) }, lane));
  const seconds = (performance.now() - start) / 1000;

  const mismatches: { label: string; expected: string; got: string }[] = [];
  let valid = 0;
  let rejected = 0;
  candidates.forEach((c, i) => {
    const got = outcomes[i]!;
    if (!meetsExpectation(c.expected, got))
      mismatches.push({
        label: c.label,
        expected: describeExpected(c.expected),
        got: describe(got),
      });
    else if (got.kind === 'valid') valid++;
    else rejected++;
  });
  const latencies = outcomes.map((o) => o.durationMs).sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    candidates: candidates.length,
    valid,
    rejectedAsExpected: rejected,
    mismatches,
    seconds,
    validationsPerSecond: candidates.length / seconds,
    latencyMs: { p50: at(0.5), p99: at(0.99) },
    compileMs: prepared.compileMs,
  };
}

const describeExpected = (e: ExpectedOutcome): string =>
  e.kind === 'valid' ? 'valid' : `invalid: ${e.panic}`;

function describe(o: ValidationOutcome): string {
  if (o.kind === 'valid') return 'valid (different result bytes)';
  return `${o.kind} (${'reason' in o ? o.reason : ''}): ${o.message}`;
}
