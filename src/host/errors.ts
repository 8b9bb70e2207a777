// Named errors for misuse of the validation host's API and for conditions the caller must
// handle apart from a verdict (backpressure, a closed host). Expected verdicts — invalid
// candidates, timeouts, dead workers — are never thrown: they are outcomes (outcome.ts).

/** An option of `ValidationHost.create` is out of range; the message names the option. */
export class HostOptionError extends Error {
  override name = 'HostOptionError';
}

/** A request is malformed (e.g. neither `code` nor `codeHash`, a 31-byte hash). */
export class HostRequestError extends Error {
  override name = 'HostRequestError';
}

/** `validate({ codeHash })` named code this host has never been given. */
export class UnknownCodeError extends Error {
  override name = 'UnknownCodeError';
}

/** The queue already holds `maxQueued` jobs: back off and resubmit. */
export class QueueFullError extends Error {
  override name = 'QueueFullError';
}

/** The host was closed: the job was submitted after `close()`, or was pending when it ran. */
export class HostClosedError extends Error {
  override name = 'HostClosedError';
}

/** No worker could be started (spawn, handshake or verification failed). */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}
