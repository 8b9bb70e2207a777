import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Forks, not threads: sandbox tests spawn and seal real processes, and wasm engines
    // are easier to reason about one per process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Refuses a checkout sealed test processes cannot read (as root); fails the run if a
    // worker cgroup created by it is left behind.
    globalSetup: ['test/support/checkout-access.global.ts', 'test/support/cgroup-leaks.global.ts'],
  },
});
