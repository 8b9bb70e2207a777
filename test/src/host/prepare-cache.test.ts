// The policy for failed preparations (the reference's `FailedToProcess`), with a fake clock:
// deterministic failures are final, non-deterministic ones are retried by an execution after
// the cooldown while the failures number at most NUM_PREPARE_RETRIES, prechecks never retry.
import { describe, expect, it } from 'vitest';
import {
  FailedPreparations,
  NUM_PREPARE_RETRIES,
  PREPARE_FAILURE_COOLDOWN_MS,
  type StoredFailure,
} from '../../../src/host/prepare-cache.js';

const timedOut: StoredFailure = {
  kind: 'preparation-error',
  reason: 'timed-out',
  deterministic: false,
  message: 'slow',
};
const refused: StoredFailure = {
  kind: 'preparation-error',
  reason: 'prevalidation',
  deterministic: true,
  message: 'bad',
};

function cache() {
  const clock = { t: 1_000_000 };
  return { clock, c: new FailedPreparations(8, PREPARE_FAILURE_COOLDOWN_MS, () => clock.t) };
}

describe('failed preparations (FailedToProcess)', () => {
  it('the constants are the reference host.rs ones', () => {
    expect(PREPARE_FAILURE_COOLDOWN_MS).toBe(15 * 60 * 1000);
    expect(NUM_PREPARE_RETRIES).toBe(5);
  });

  it('unknown code may be prepared', () => {
    expect(cache().c.blocked('a', 'execute')).toBeUndefined();
  });

  it('a deterministic failure is never retried, whatever the time', () => {
    const { c, clock } = cache();
    c.failed('a', refused);
    clock.t += 365 * 24 * 3600 * 1000;
    expect(c.blocked('a', 'execute')).toEqual(refused);
    expect(c.blocked('a', 'precheck')).toEqual(refused);
  });

  it('a non-deterministic failure is retried by an execution only once the cooldown has passed', () => {
    const { c, clock } = cache();
    c.failed('a', timedOut);
    clock.t += PREPARE_FAILURE_COOLDOWN_MS - 1;
    expect(c.blocked('a', 'execute')).toEqual(timedOut);
    clock.t += 1;
    expect(c.blocked('a', 'execute')).toBeUndefined();
    // A precheck never retries.
    expect(c.blocked('a', 'precheck')).toEqual(timedOut);
  });

  it(`retries stop after the ${NUM_PREPARE_RETRIES + 1}th failure (num_failures <= NUM_PREPARE_RETRIES)`, () => {
    const { c, clock } = cache();
    for (let k = 1; k <= NUM_PREPARE_RETRIES; k++) {
      c.failed('a', timedOut);
      clock.t += PREPARE_FAILURE_COOLDOWN_MS;
      expect(c.failures('a')).toBe(k);
      expect(c.blocked('a', 'execute')).toBeUndefined();
    }
    c.failed('a', timedOut);
    clock.t += PREPARE_FAILURE_COOLDOWN_MS;
    expect(c.failures('a')).toBe(NUM_PREPARE_RETRIES + 1);
    expect(c.blocked('a', 'execute')).toEqual(timedOut);
  });

  it('a success forgets the failure', () => {
    const { c } = cache();
    c.failed('a', timedOut);
    c.prepared('a');
    expect(c.blocked('a', 'precheck')).toBeUndefined();
    expect(c.failures('a')).toBe(0);
  });
});
