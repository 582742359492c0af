import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { exitOnEnvError } from '@montage/core'
import { opsHostFromEnv, opsPortFromEnv } from '@montage/runtime/ops'
import { setupTracing } from '@montage/runtime/tracing'
import { startWebServer } from './lib/server/http/start-web-server'
import { logger } from './lib/server/logger'

/**
 * Runs the web app: `node dist/server.js [--port 3000] [--hostname 127.0.0.1]` once `npm run build`
 * compiled it (the dev stack runs this file with tsx), in place of `next start` (which cannot see the
 * socket behind a forged X-Forwarded-For).
 */
const { values } = parseArgs({ options: { port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } } })
const port = Number(values.port ?? process.env.PORT ?? 3000)
// The logger parses the environment first: a bad variable exits 78 naming it.
const log = exitOnEnvError(() => logger())
// Before anything connects, so the Temporal client's interceptor finds the tracer.
setupTracing({ serviceName: 'web' })
const opsPort = exitOnEnvError(() => opsPortFromEnv())
const opsHost = exitOnEnvError(() => opsHostFromEnv())
// Only the start is fatal: once serving, Next keeps the process up through a stray rejection (its
// own handlers log it), so no process-wide crash handler here (`logUncaughtErrors`).
try {
  await startWebServer({ port, hostname: values.hostname, dir: path.dirname(fileURLToPath(import.meta.url)), opsPort, opsHost })
} catch (e) {
  log.fatal({ err: e }, e instanceof Error ? e.message : String(e))
  process.exit(1)
}
log.info({ port, host: values.hostname }, `ready on http://${values.hostname ?? 'localhost'}:${port}`)
