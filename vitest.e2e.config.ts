// The real-Synapse suite: one seeded Synapse, files one after another (some of them mutate it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    hookTimeout: 300_000,
    testTimeout: 60_000,
    fileParallelism: false,
  },
});
