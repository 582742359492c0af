import type { NextConfig } from 'next'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const config: NextConfig = {
  // Lets two builds (say, two people's test runs in one checkout) live side by side; `next start` reads the same variable.
  distDir: process.env.NEXT_DIST_DIR ?? '.next',
  // Internal packages ship TypeScript source ("main": "./src/index.ts").
  transpilePackages: ['@montage/core', '@montage/db', '@montage/delivery', '@montage/board', '@montage/assets', '@montage/auth', '@montage/workflows', '@montage/runtime', '@montage/provenance'],
  // Native / Node-only clients stay outside the server bundle.
  serverExternalPackages: ['@temporalio/client', '@temporalio/interceptors-opentelemetry', '@opentelemetry/api', '@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@aws-sdk/s3-request-presigner', 'postgres', '@clerk/backend', '@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream', 'pino', 'yazl', '@contentauth/c2pa-wasm', '@trustnxt/c2pa-ts', '@peculiar/x509'],
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
  reactStrictMode: true,
  poweredByHeader: false,
}

export default config
