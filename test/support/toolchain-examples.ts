// The adder PVFs built by real toolchains (scripts/build-toolchain-examples.sh): found in
// dist/examples/toolchain, built on first use where the Debian toolchains are installed, and
// otherwise reported absent so that their tests skip — except under CI, where the packages are
// installed by .ci/run and an absent toolchain is a failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'dist', 'examples', 'toolchain');

/** Each toolchain example and its ABI. */
export const TOOLCHAIN_EXAMPLES = {
  'c-adder': 'wasi-p1',
  'c-adder-mvp': 'wasi-p1',
  'c-adder-bulk': 'wasi-p1',
  'rust-adder': 'wasi-p1',
  'c-adder-component': 'component',
} as const;
export type ToolchainExample = keyof typeof TOOLCHAIN_EXAMPLES;

const runs = (cmd: string, args: string[]) => spawnSync(cmd, args).status === 0;

/** Why the toolchain examples cannot be built here, or undefined when they can. */
function missingToolchain(): string | undefined {
  const absent = [
    ['clang-19', ['--version']],
    ['/usr/bin/rustc', ['--print', 'sysroot']],
    ['wasm-ld-14', ['--version']],
  ].filter(([cmd, args]) => !runs(cmd as string, args as string[]));
  if (absent.length > 0) return `not installed: ${absent.map(([c]) => c).join(', ')}`;
  if (!existsSync('/usr/lib/rustlib/wasm32-wasi')) return 'not installed: libstd-rust-dev-wasm32';
  return undefined;
}

let built: string | undefined | null = null;

/**
 * Builds the examples once per test process if any is missing. Returns undefined when they
 * are all there, else why not (with the command that installs the toolchains).
 * @throws under CI when they cannot be built: CI installs the toolchains first.
 */
export function toolchainExamplesUnavailable(): string | undefined {
  if (built !== null) return built;
  const all = Object.keys(TOOLCHAIN_EXAMPLES).every((n) => existsSync(join(DIR, `${n}.wasm`)));
  built = all ? undefined : missingToolchain();
  if (!all && built === undefined)
    execFileSync('bash', [join(ROOT, 'scripts', 'build-toolchain-examples.sh')], {
      stdio: 'ignore',
    });
  if (built !== undefined) {
    built = `toolchain examples skipped, ${built} (install: sudo bash scripts/install-wasi-toolchains.sh)`;
    if (process.env.CI) throw new Error(built);
  }
  return built;
}

/** A built toolchain example's bytes. */
export const toolchainExample = (name: ToolchainExample): Uint8Array =>
  readFileSync(join(DIR, `${name}.wasm`));
