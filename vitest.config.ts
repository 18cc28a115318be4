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
    // The local runner's function instances would print every JSON log line into the test output;
    // MQTRACE_FUNCTION_LOGS=inherit npx vitest … shows them when debugging.
    env: { MQTRACE_FUNCTION_LOGS: process.env.MQTRACE_FUNCTION_LOGS ?? 'ignore' },
  },
});

// vitest only discovers a default export in its config file.
export default config;
