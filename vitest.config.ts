import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    clearMocks: true,
    projects: [
      // In-process logic and the check with fakes: no model, no codec, no child process.
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        // The embedded detector's real models, codecs and worker threads.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The e2e tests spawn dist/: rebuild it first when src/ is newer (never in CI). They spend
          // most of their time waiting on child processes, so package.json runs 4 files at once
          // (--maxWorkers=4) even on 2 cores.
          globalSetup: ['scripts/ensure-dist.mjs'],
          testTimeout: 120_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
