import { defineConfig } from 'vitest/config';

export const config = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Integration suites bind loopback ports and measure connection counts; two cores fit two workers.
    maxWorkers: 2,
  },
});

// vitest only discovers a default export in its config file.
export default config;
