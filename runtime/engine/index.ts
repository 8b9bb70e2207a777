// The PVF execution engine: prepare once, execute many times, each in a fresh instance.
export { prepare } from './prepare.js';
export { callExport, validateBlock } from './execute.js';
export {
  checkExecutorParams,
  DEFAULT_EXECUTOR_PARAMS,
  ExecutorParamsError,
  MEMORY_PAGES_LIMIT,
} from './types.js';
export type {
  CallOutcome,
  EngineOutcome,
  EntryPointCheck,
  ExecutorParams,
  InternalErrorOutcome,
  InvalidOutcome,
  InvalidReason,
  LogRecord,
  MemoryShape,
  PreparedModule,
  PrepareError,
  PrepareErrorReason,
  PrepareOutcome,
  PrepareStage,
} from './types.js';
