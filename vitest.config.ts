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
          // The e2e tests spawn dist/: rebuild it first when src/ is newer (never in CI).
          globalSetup: ['scripts/ensure-dist.mjs'],
          testTimeout: 120_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
})
