// `npm run test:replicas`: three facade processes on one PostgreSQL in front of the mock Synapse; files one after
// another (one of them stops and restarts the shared PostgreSQL), with room for process starts and lease expiries.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/replicas-e2e/**/*.test.ts'],
    globalSetup: ['test/replicas-e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
