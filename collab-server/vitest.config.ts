import { defineConfig } from 'vitest/config'

// Real Postgres, NATS and sockets on a shared 2-core machine: generous timeouts, never timed assertions.
export default defineConfig({
  test: {
    name: 'collab-server',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
})
