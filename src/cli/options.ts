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
