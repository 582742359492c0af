import { defineProject } from 'vitest/config'

export default defineProject({
  test: {
    name: 'web',
    include: ['test/**/*.test.ts', 'e2e/**/*.test.ts'],
    // The browser tests start the whole app; generous limits, never a timing assertion.
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
})
