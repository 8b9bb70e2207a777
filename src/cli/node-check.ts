// Imported first by the CLI's entry point, so that on a Node older than `engines` allows the
// user reads one line saying so instead of whatever breaks first further in.
import { ExitCode } from './exit-codes.js';

/** The oldest Node this package supports; must equal package.json's `engines.node`. */
export const MIN_NODE = [20, 19] as const;

/** True when `version` (`process.versions.node`) is at least MIN_NODE. */
export function supportedNode(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

if (!supportedNode(process.versions.node)) {
  process.stderr.write(
    `pvf: Node ${process.versions.node} is too old: pvf-runtime needs Node >= ${MIN_NODE.join('.')}\n`,
  );
  process.exit(ExitCode.Inconclusive);
}
