import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native core and the worker's sandbox need real processes, not threads.
    pool: 'forks',
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
