// The PVF execution engine: prepare once, execute many times, each in a fresh instance.
export { prepare, type PrepareOptions } from './prepare.js';
export { callExport, validateBlock } from './execute.js';
export {
  checkExecutorParams,
  DEFAULT_EXECUTOR_PARAMS,
  ExecutorParamsError,
  MEMORY_PAGES_LIMIT,
} from './types.js';
export type {
  CallOutcome,
  EngineCallOutcome,
  EngineOutcome,
  EntryPointCheck,
  ExecutorParams,
  EngineInternalError,
  EngineInvalidOutcome,
  InvalidReason,
  TrapKind,
  LogRecord,
  MemoryShape,
  PreparedModule,
  PrepareError,
  PrepareErrorReason,
  EnginePrepareOutcome,
  PrepareStage,
} from './types.js';
