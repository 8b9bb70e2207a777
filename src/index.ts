// Public API of pvf-runtime: named re-exports only. The example PVFs and their block producers
// are a subpath of their own, `pvf-runtime/examples` (src/examples/index.ts).
export * from './host/index.js';
export { SandboxOptionsError, SandboxUnavailableError } from './sandbox/options.js';
export type { SandboxOptions } from './sandbox/options.js';
export type { ExecutorParams, LogRecord, TrapKind } from '../runtime/engine/types.js';
export type { ValidationResult } from '../runtime/codec/validation.js';
