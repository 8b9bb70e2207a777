// The PVF host-function set, keyed by exact `env` import name.
export { allocator } from './allocator.js';
export { logging } from './logging.js';
export { panicHandler } from './panic-handler.js';
export type { HostContext, HostFamily, HostFunction, Signature, ValType } from './context.js';
export { LogSink } from './log-sink.js';
