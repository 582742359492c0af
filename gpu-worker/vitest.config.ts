import { defineProject } from 'vitest/config'

// Real ffmpeg and ONNX Runtime on a small shared machine: renders take seconds, not milliseconds.
export default defineProject({
  test: {
    name: 'gpu-worker',
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
