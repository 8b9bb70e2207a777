// How workers compile (runtime/engine/compile.ts): their default mode unless the host names
// another through their environment, which it does for `isolation: 'job'`, where each worker
// process compiles the code for one job and eager TurboFan's prepare cost would be paid on every
// job. The environment is read from outside, from /proc, as the sandbox tests read a worker.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  COMPILE_MODE_ENV,
  WORKER_COMPILE_MODE,
  workerCompileMode,
} from '../../../runtime/engine/compile.js';
import { closedAfterEach } from '../../support/test-host.js';

describe('workerCompileMode', () => {
  it('takes a mode the environment names, and the default otherwise', () => {
    for (const mode of ['lazy', 'baseline', 'optimized'] as const)
      expect(workerCompileMode({ [COMPILE_MODE_ENV]: mode })).toBe(mode);
    for (const env of [{}, { [COMPILE_MODE_ENV]: '' }, { [COMPILE_MODE_ENV]: 'eager' }])
      expect(workerCompileMode(env)).toBe(WORKER_COMPILE_MODE);
  });
});

describe.runIf(process.platform === 'linux')("a host's workers", () => {
  const newHost = closedAfterEach();

  /** The worker's COMPILE_MODE_ENV, from its /proc environ. */
  async function compileEnv(isolation: 'job' | 'code'): Promise<string | undefined> {
    const host = await newHost({ isolation });
    const [pid] = host.workerPids;
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    return env
      .find((e) => e.startsWith(`${COMPILE_MODE_ENV}=`))
      ?.slice(COMPILE_MODE_ENV.length + 1);
  }

  it("compile in eager Liftoff under isolation 'job' (control: 'code' names no mode)", async () => {
    expect(await compileEnv('job')).toBe('baseline');
    expect(await compileEnv('code')).toBeUndefined();
  });
});
