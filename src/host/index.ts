// The validation host: re-exports only.
export { ValidationHost } from './validation-host.js';
export type {
  CallRequest,
  CodeSource,
  ExecKind,
  PovParams,
  PrepareRequestOptions,
  ValidateRequest,
} from './validation-host.js';
export { DEFAULT_HOST_OPTIONS } from './options.js';
export {
  NO_METRICS,
  type HostMetrics,
  type HostView,
  type RequestName,
  type WorkerExitCause,
} from './metrics.js';
export type { HostOptions } from './options.js';
export { LOG_LEVELS, type HostLogger, type LogFields, type LogLevel } from './log.js';
export { stderrLogger, type StderrLoggerOptions } from './stderr-logger.js';
export {
  HostClosedError,
  HostOptionError,
  HostRequestError,
  QueueFullError,
  UnknownCodeError,
  WorkerStartError,
} from './errors.js';
export type {
  CallOutcome,
  FailureOutcome,
  InternalErrorOutcome,
  InvalidOutcome,
  InvalidReason,
  PossiblyInvalidOutcome,
  PossiblyInvalidReason,
  PreparationErrorOutcome,
  PreparationErrorReason,
  PrepareOutcome,
  Timing,
  ValidationOutcome,
} from './outcome.js';
