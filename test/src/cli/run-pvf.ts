// Runs `pvf` as a user does, as a real process: from source (through tsx) or the build.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { cgroupLayout } from '../../../src/sandbox/cgroup.js';

export const ROOT = join(import.meta.dirname, '../../..');
export const CLI_SOURCE = join(ROOT, 'src/cli/main.ts');
export const CLI_BUILT = join(ROOT, 'dist/cli.js');

export interface Run {
  /** The exit status; null when the process was killed (e.g. by the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cli` (CLI_SOURCE or CLI_BUILT) with `args` from the package root. */
export function runPvf(cli: string, args: readonly string[], timeoutMs = 60_000): Promise<Run> {
  const argv = cli.endsWith('.ts') ? ['--import', 'tsx', cli, ...args] : [cli, ...args];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      argv,
      { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr: withoutCgroupNotice(stderr) });
      },
    );
  });
}

const CGROUP_NOTICE = /^pvf: worker cgroups unavailable, running without: .*\n/m;

/**
 * `stderr` without the one notice a host that may not create cgroups prints (an unprivileged
 * user without delegation): the contracts below hold apart from it. Where this process sees a
 * usable memory or pids hierarchy the notice is not expected, and is left in to fail the test.
 */
function withoutCgroupNotice(stderr: string): string {
  const layout = cgroupLayout();
  return layout.memory.ok || layout.pids.ok ? stderr : stderr.replace(CGROUP_NOTICE, '');
}

/** A temporary folder for a test file's inputs, removed after its tests. */
export function scratchDir(prefix: string): {
  readonly dir: string;
  /** Writes `bytes` to `name` in the folder; returns the path. */
  file(name: string, bytes: Uint8Array | number[]): string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
      return path;
    },
  };
}
