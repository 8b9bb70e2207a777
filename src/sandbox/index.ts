// The OS sandbox, host side: spawn sealed processes, verify them from outside, report what
// this machine offers.
export {
  DEFAULT_SANDBOX_OPTIONS,
  resolveSandboxOptions,
  SandboxOptionsError,
  SandboxUnavailableError,
  type SandboxOptions,
} from './options.js';
export {
  planWorker,
  killSealed,
  sealedExit,
  sealedPid,
  sealExpectations,
  spawnSealed,
  type SealedSpawnOptions,
  type SealedStdio,
} from './spawn.js';
export { verifySealed, type SealExpectations, type SealReport } from './verify.js';
export { LAUNCH_REPORT_ENV, LauncherExit, type LaunchReport } from '../../native/launch-config.js';
