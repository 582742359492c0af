import { defineConfig } from 'vitest/config'

/** The whole suite: each package is a project with its own config (timeouts, setup). */
export default defineConfig({
  test: {
    projects: ['packages/*', 'collab-server', 'workflows', 'gpu-worker', 'infra', 'web'],
  },
})
