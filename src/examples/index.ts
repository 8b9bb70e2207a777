// The example PVFs and their block producers: re-exports only. Public so that an embedder can
// check an integration end to end with a known-good PVF and a chain of known outcomes.
export { AdderChain, adderBlock, adderStateHash, type AdderChainOptions } from './adder-chain.js';
export {
  encodeParams,
  headData,
  INVALID_BLOCK_KINDS,
  panicPayload,
  type Candidate,
  type ExpectedOutcome,
  type HeadData,
  type InvalidBlockKind,
} from './candidate.js';
export {
  adderRunCandidates,
  meetsExpectation,
  runChain,
  type ChainRunOptions,
  type ChainRunReport,
} from './chain-run.js';
export { EXAMPLE_PVFS, exampleCode, ExampleCodeMissingError, type ExamplePvf } from './code.js';
export {
  executeUndying,
  graveyardState,
  UndyingChain,
  undyingBlock,
  type GraveyardState,
  type UndyingChainOptions,
  type UndyingWork,
} from './undying-chain.js';
