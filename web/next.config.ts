import type { NextConfig } from 'next'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const config: NextConfig = {
  // Internal packages ship TypeScript source ("main": "./src/index.ts").
  transpilePackages: ['@montage/core', '@montage/db', '@montage/board', '@montage/assets', '@montage/auth', '@montage/workflows'],
  // Native / Node-only clients stay outside the server bundle.
  serverExternalPackages: ['@temporalio/client', 'postgres', '@clerk/backend', 'nats'],
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  reactStrictMode: true,
  poweredByHeader: false,
}

export default config
