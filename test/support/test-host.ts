// One way for tests to start a validation host on the test bundles (the worker and launcher
// built from source), with one worker and warnings kept out of the test output.
import { afterEach } from 'vitest';
import { ValidationHost } from '../../src/host/validation-host.js';
import { testBundles } from './worker-bundle.js';

export type TestHostOptions = Parameters<typeof ValidationHost.create>[0];

/** A host on the test bundles; `extra` overrides any default (workerScript included). */
export async function createTestHost(extra: TestHostOptions = {}): Promise<ValidationHost> {
  const b = await testBundles();
  return ValidationHost.create({
    workers: 1,
    workerScript: b.worker,
    sandbox: { launcher: b.launcher },
    logger: { warn: () => {} },
    ...extra,
  });
}

/** `createTestHost` for a test file whose hosts are all closed after each test. */
export function closedAfterEach(): (extra?: TestHostOptions) => Promise<ValidationHost> {
  const hosts: ValidationHost[] = [];
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((h) => h.close()));
  });
  return async (extra) => {
    const h = await createTestHost(extra);
    hosts.push(h);
    return h;
  };
}
