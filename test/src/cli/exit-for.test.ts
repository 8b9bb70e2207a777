// The exit code of each failure outcome, as README "Exit codes" documents it: a deterministic
// preparation error is bad input (3); a precheck that timed out or whose worker died, or that
// could not link its imports, says nothing about the code (4, no verdict).
import { describe, expect, it } from 'vitest';
import { exitFor } from '../../../src/cli/commands/host-session.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';

const timing = { durationMs: 1, attempts: 1 };
const prep = (
  reason: 'prevalidation' | 'timed-out' | 'job-died' | 'runtime-construction',
  deterministic: boolean,
) => ({ kind: 'preparation-error', reason, deterministic, message: '', ...timing }) as const;

describe('exit codes of failure outcomes', () => {
  it.each([
    [prep('prevalidation', true), ExitCode.BadInput, 3],
    [prep('timed-out', false), ExitCode.Inconclusive, 4],
    [prep('job-died', false), ExitCode.Inconclusive, 4],
    [prep('runtime-construction', false), ExitCode.Inconclusive, 4],
  ])('%o exits %i', (outcome, code, number) => {
    expect(exitFor(outcome)).toBe(code);
    expect(code).toBe(number);
  });
});
