import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * The settings every process shares (agreed for issue 13: asset store, Temporal, NATS, PostgreSQL, ops),
 * plus names read by libraries rather than our code: a deployment file may set these even where a
 * checkout's sources do not read them yet.
 */
export const SHARED_ENV_NAMES = [
  'ASSET_STORE', 'S3_BUCKET', 'S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE', 'S3_PREFIX', 'S3_PUBLIC_ENDPOINT',
  'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'TEMPORAL_TLS', 'TEMPORAL_TLS_CA_FILE', 'TEMPORAL_TLS_CERT_FILE', 'TEMPORAL_TLS_KEY_FILE', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_UI_URL',
  'NATS_URL', 'NATS_CREDS_FILE', 'NATS_USER', 'NATS_PASSWORD', 'NATS_TOKEN', 'NATS_TLS', 'NATS_TLS_CA_FILE', 'NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE',
  'DATABASE_URL', 'DATABASE_CA_FILE',
  'LOG_LEVEL', 'OPS_PORT', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME',
  // Node, Next.js and Clerk's own.
  'NODE_ENV', 'NEXT_TELEMETRY_DISABLED', 'CLERK_SECRET_KEY',
]

const SOURCE_DIRS = ['packages', 'web/lib', 'web/app', 'collab-server/src', 'workflows/src', 'gpu-worker/src', 'infra/dev/src']
const SKIP = new Set(['node_modules', 'dist', '.next', 'test', 'e2e'])

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* sourceFiles(full)
    else if (/\.(ts|tsx)$/.test(entry.name)) yield full
  }
}

/** Every upper-case name the processes' sources mention (a superset of what they read), plus the shared ones. */
export async function knownEnvNames(root: string): Promise<Set<string>> {
  const names = new Set(SHARED_ENV_NAMES)
  for (const dir of SOURCE_DIRS) {
    for await (const file of sourceFiles(path.join(root, dir))) {
      for (const m of (await readFile(file, 'utf8')).matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*\b/g)) names.add(m[0])
    }
  }
  return names
}
