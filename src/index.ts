// Public API of pvf-runtime: named re-exports only.
export * from './host/index.js';
export * from './examples/index.js';
export { SandboxUnavailableError } from './sandbox/options.js';
export type { SandboxOptions } from './sandbox/options.js';
export type { ExecutorParams, LogRecord } from '../runtime/engine/types.js';
export type { ValidationResult } from '../runtime/codec/validation.js';
