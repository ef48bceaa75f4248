import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    clearMocks: true,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
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
