import { defineConfig } from 'vitest/config'

// `npm run soak` only: long runs that load the machine (not part of `npm test`).
export default defineConfig({
  test: {
    name: 'collab-server-soak',
    include: ['test/**/*.soak.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
  },
})
