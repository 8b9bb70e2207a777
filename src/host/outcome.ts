// The outcomes of the validation host: one discriminated union per request kind, and the one
// place where an attempt's raw end (a worker's reply, a kill, a death) becomes an outcome.
// The taxonomy mirrors polkadot-sdk's `ValidationError` (polkadot/node/core/pvf/src/error.rs)
// and the queue's mapping of worker errors onto it (src/execute/queue.rs):
//   valid                                    ← `Ok`
//   invalid            worker-reported       ← `InvalidCandidate::WorkerReportedInvalid`
//                      hard-timeout         ← `HardTimeout` / `JobTimedOut` ("vote against")
//                      pov-decompression-failure ← `PoVDecompressionFailure`
//   possibly-invalid   ambiguous-worker-death ← `AmbiguousWorkerDeath` (retry, then against)
//                      ambiguous-job-death  ← `AmbiguousJobDeath("received signal: …")`
//                      job-error            ← `JobError`
//                      memory-limit         ← ours: the host's RSS ceiling killed the worker
//   preparation-error  ← `PrepareError` (deterministic: decompression, prevalidation,
//                         preparation, out-of-memory; not: runtime-construction, timed-out,
//                         job-died)
//   internal-error     ← `InternalValidationError` (abstain: not the candidate's fault)
import type { ValidationResult } from '../../runtime/codec/validation.js';
import type { LogRecord, TrapKind } from '../../runtime/engine/types.js';
import type { JobOutcome, WirePrepareError } from '../../runtime/protocol/messages.js';
import type { AttemptResult } from './pool.js';

/** What every outcome reports about how it was reached. */
export interface Timing {
  /** Wall-clock time from submission to outcome, queueing and retries included. */
  readonly durationMs: number;
  /** Attempts made (2 when a retry ran). */
  readonly attempts: number;
}

export type InvalidReason = 'worker-reported' | 'hard-timeout' | 'pov-decompression-failure';
export type PossiblyInvalidReason =
  'ambiguous-worker-death' | 'ambiguous-job-death' | 'job-error' | 'memory-limit';
export type PreparationErrorReason = WirePrepareError | 'timed-out' | 'job-died';

export type InvalidOutcome = Timing & {
  readonly kind: 'invalid';
  readonly reason: InvalidReason;
  /** For `worker-reported`: the engine's trap kind (`unreachable`, `bad-result`, `panic`, …). */
  readonly trap: TrapKind | undefined;
  /** The runtime's panic message, or what went wrong. */
  readonly message: string;
  readonly logs: readonly LogRecord[];
};

export type PossiblyInvalidOutcome = Timing & {
  readonly kind: 'possibly-invalid';
  readonly reason: PossiblyInvalidReason;
  readonly message: string;
};

export type PreparationErrorOutcome = Timing & {
  readonly kind: 'preparation-error';
  readonly reason: PreparationErrorReason;
  /** `PrepareError::is_deterministic`: true means the code itself is unusable. */
  readonly deterministic: boolean;
  readonly message: string;
};

export type InternalErrorOutcome = Timing & {
  readonly kind: 'internal-error';
  readonly message: string;
};

/** Shared by every request kind: how an attempt can fail. */
export type FailureOutcome =
  InvalidOutcome | PossiblyInvalidOutcome | PreparationErrorOutcome | InternalErrorOutcome;

export type ValidationOutcome =
  | (Timing & {
      readonly kind: 'valid';
      /** The decoded `ValidationResult`. */
      readonly result: ValidationResult;
      /** Its SCALE bytes exactly as the PVF returned them. */
      readonly resultBytes: Uint8Array;
      readonly logs: readonly LogRecord[];
    })
  | FailureOutcome;

export type CallOutcome =
  | (Timing & {
      readonly kind: 'returned';
      readonly output: Uint8Array;
      readonly logs: readonly LogRecord[];
    })
  | FailureOutcome;

export type PrepareOutcome =
  | (Timing & {
      readonly kind: 'prepared';
      /** BLAKE2b-256 of the code blob: pass it as `codeHash` to `validate` and `call`. */
      readonly codeHash: Uint8Array;
      /** Size of the wasm after decompression. */
      readonly codeBytes: number;
      /** Worker time spent decompressing, checking, compiling and instantiating. */
      readonly compileMs: number;
    })
  | FailureOutcome;

/** `PrepareError::is_deterministic` (polkadot/node/core/pvf/common/src/error.rs:94–109 @122febef). */
const DETERMINISTIC: Record<PreparationErrorReason, boolean> = {
  decompression: true,
  prevalidation: true,
  preparation: true,
  'out-of-memory': true,
  'runtime-construction': false,
  'timed-out': false,
  'job-died': false,
};

/** An attempt's end without the request-specific success case, as an outcome (minus timing). */
export type ClassifiedAttempt =
  | {
      readonly kind: 'success';
      readonly outcome: Extract<JobOutcome, { kind: 'valid' | 'returned' | 'prepared' }>;
    }
  | DistributiveOmit<FailureOutcome, keyof Timing>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The one switch from how an attempt ended to the outcome taxonomy. */
export function classifyAttempt(r: AttemptResult): ClassifiedAttempt {
  if (r.kind === 'no-worker') return { kind: 'internal-error', message: r.message };
  if (r.kind === 'failed') {
    const f = r.failure;
    if (r.phase === 'prepare')
      switch (f.kind) {
        case 'timeout':
          return prep(
            'timed-out',
            `preparation took more than its CPU budget (${Math.round(f.cpuMs)} ms used)`,
          );
        case 'memory-limit':
          return prep(
            'out-of-memory',
            `worker memory ${f.rssBytes} bytes crossed the limit while preparing`,
          );
        case 'died':
        case 'protocol':
          return prep('job-died', deathText(f));
        case 'closed':
          return { kind: 'internal-error', message: 'the validation host was closed' };
      }
    switch (f.kind) {
      case 'timeout':
        return invalid(
          'hard-timeout',
          undefined,
          `execution exceeded its time budget (${Math.round(f.cpuMs)} ms CPU, ${Math.round(f.wallMs)} ms wall)`,
          [],
        );
      case 'memory-limit':
        return {
          kind: 'possibly-invalid',
          reason: 'memory-limit',
          message: `worker memory ${f.rssBytes} bytes crossed the limit`,
        };
      case 'died':
        // The reference's job process dying by a signal (incl. SIGSYS from seccomp) is an
        // ambiguous *job* death; losing the worker any other way an ambiguous worker death.
        return f.signal !== null
          ? {
              kind: 'possibly-invalid',
              reason: 'ambiguous-job-death',
              message: `received signal: ${f.signal}`,
            }
          : { kind: 'possibly-invalid', reason: 'ambiguous-worker-death', message: deathText(f) };
      case 'protocol':
        return {
          kind: 'possibly-invalid',
          reason: 'ambiguous-worker-death',
          message: deathText(f),
        };
      case 'closed':
        return { kind: 'internal-error', message: 'the validation host was closed' };
    }
  }
  const o = r.outcome;
  switch (o.kind) {
    case 'valid':
    case 'returned':
    case 'prepared':
      return { kind: 'success', outcome: o };
    case 'invalid':
      return invalid('worker-reported', o.reason, o.message, o.logs);
    case 'pov-decompression-failure':
      return invalid('pov-decompression-failure', undefined, o.message, []);
    case 'preparation-error':
      return prep(o.reason, o.message);
    case 'job-error':
      return { kind: 'possibly-invalid', reason: 'job-error', message: o.message };
    case 'internal-error':
      return { kind: 'internal-error', message: o.message };
    case 'code-missing':
      return { kind: 'internal-error', message: 'the worker lost the compiled module' };
  }
}

function invalid(
  reason: InvalidReason,
  trap: TrapKind | undefined,
  message: string,
  logs: readonly LogRecord[],
): ClassifiedAttempt {
  return { kind: 'invalid', reason, trap, message, logs };
}

function prep(reason: PreparationErrorReason, message: string): ClassifiedAttempt {
  return { kind: 'preparation-error', reason, deterministic: DETERMINISTIC[reason], message };
}

function deathText(
  f:
    | { kind: 'died'; code: number | null; signal: string | null }
    | { kind: 'protocol'; message: string },
): string {
  if (f.kind === 'protocol') return `worker broke the protocol: ${f.message}`;
  return f.signal !== null
    ? `worker died: received signal: ${f.signal}`
    : `worker died: exit code ${f.code}`;
}
