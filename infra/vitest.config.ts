import { defineProject } from 'vitest/config'

export default defineProject({
  test: { name: 'infra', include: ['test/**/*.test.ts', 'dev/test/**/*.test.ts', 'deploy/test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
})
