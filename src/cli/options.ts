// Flags several commands share, defined once so that they read the same everywhere.
import { Option } from 'commander';

/** `--json`: the command's report as one JSON document on stdout (output.ts prints it). */
export const jsonOption = (): Option =>
  new Option('--json', 'print one JSON document on stdout instead of text');

/** Maps onto `SandboxOptions.requireAllLayers`. */
export const requireAllLayersOption = (): Option =>
  new Option('--require-all-layers', 'refuse to run unless every enabled sandbox layer applies');

/** Maps onto `SandboxOptions.insecureNoSandbox`. */
export const insecureNoSandboxOption = (): Option =>
  new Option(
    '--insecure-no-sandbox',
    'run even where the seccomp network filter is unavailable (UNSAFE, logged loudly)',
  );

/** Host log levels, least to most verbose (`HostOptions.logger` through `stderrLogger`). */
export const LOG_LEVEL_CHOICES = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
/** The PVF's log filter: `off`, or sp-core's levels (`ExecutorParams.maxLogLevel` 0 … 5). */
export const RUNTIME_LOG_LEVEL_CHOICES = [
  'off',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
] as const;

/** `--log-level`: the host's operator log on stderr. */
export const logLevelOption = (): Option =>
  new Option('--log-level <level>', 'operator log on stderr: worker starts, deaths, kills, …')
    .choices([...LOG_LEVEL_CHOICES])
    .default('warn');

/** `--log-format`: text for a person, JSON lines (pino's shape) for a log shipper. */
export const logFormatOption = (): Option =>
  new Option('--log-format <format>', 'operator log format')
    .choices(['text', 'json'])
    .default('text');

/** `--runtime-log-level`: what the PVF may log (ext_logging_log), shown on stderr. */
export const runtimeLogLevelOption = (): Option =>
  new Option(
    '--runtime-log-level <level>',
    "the PVF's own log output on stderr, up to this level (sets the executor's maxLogLevel)",
  )
    .choices([...RUNTIME_LOG_LEVEL_CHOICES])
    .default('off');
