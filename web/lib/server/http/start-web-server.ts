import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { createAssetStore, type AssetStore } from '@montage/assets'
import { exitOnEnvError } from '@montage/core'
import { assertMigrated, createDb } from '@montage/db'
import { loadSigningCredentials } from '@montage/provenance/sign'
import { databaseOptions } from '@montage/runtime/config'
import { withLogContext } from '@montage/runtime/log'
import { webEnv } from '../env'
import { logger } from '../logger'
import { forwardedClient } from './forwarded-client'
import { lingerOnClose } from './lingering-close'
import { securityHeaders } from './security-headers'
import { storeMediaOrigin } from './store-media-origin'
import { PROXIED_HEADER } from '../loopback'
import { instrumentHttpRequest } from '@montage/runtime/tracing'
import { createWebOps } from './web-ops'

/** Headers only a proxy (or a client pretending to be one) sends. */
const PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-port', 'x-forwarded-proto', 'forwarded', 'x-real-ip', 'via']

export interface WebServerOptions {
  port: number
  /** Where to listen; every interface when unset (as `next start`). */
  hostname?: string
  /** The web/ folder (Next's project root). */
  dir: string
  /** `/healthz`, `/readyz`, `/metrics` on this port too (`OPS_PORT`); the main port answers the probes either way. */
  opsPort?: number
  /** Where the ops listener binds; web's own hostname when unset (demo mode must stay on loopback). */
  opsHost?: string
}

/** Staged bytes older than this were left by a process killed mid-upload (an honest one is checked in minutes). */
const STALE_STAGING_MS = 24 * 3600_000

/** Removes such leftovers at start and every hour after (any instance may: removing twice is harmless). */
function sweepStaleUploads(store: AssetStore): void {
  const sweep = () =>
    store.sweepStale(STALE_STAGING_MS).then(
      (n) => n > 0 && logger().info({ removed: n }, 'removed stale staged uploads from the asset store'),
      (e: unknown) => logger().error({ err: e }, 'could not sweep stale staged uploads'),
    )
  void sweep()
  setInterval(() => void sweep(), 3600_000).unref()
}

/**
 * The web app's HTTP server: Next's handler behind the three things only the server can see.
 * 1. Who is asking: `X-Forwarded-For`/`-Proto` are replaced by the client and scheme the socket (or
 *    a trusted proxy, TRUST_PROXY) vouches for, before Next or a route reads them.
 * 2. Security headers on every response, with a per-request CSP nonce that Next puts on its scripts.
 * 3. A refused body's connection closes gracefully (`lingerOnClose`).
 */
export async function startWebServer(o: WebServerOptions): Promise<Server> {
  const env = exitOnEnvError(() => webEnv())
  // Services no longer migrate at boot: a database behind the code stops web here, saying what to run.
  const sql = createDb({ ...databaseOptions(env), max: 1 })
  await assertMigrated(sql).finally(() => sql.end({ timeout: 5 }))
  const store = createAssetStore(env)
  const mediaOrigin = await storeMediaOrigin(store)
  // The Content Credentials signer, at start: a bad C2PA_SIGNING_* file stops web here naming the
  // variable, and without them the local stack's test CA and signer are made now, not at the first download.
  const signer = await loadSigningCredentials({ env, dataDir: env.DATA_DIR })
  logger().info({ subject: signer.subject }, 'Content Credentials signer ready')
  // Imported only now: React and Next choose their production builds from NODE_ENV as they load.
  Object.assign(process.env, { NODE_ENV: 'production' })
  const { default: next } = await import('next')
  const app = next({ dev: false, dir: o.dir, hostname: o.hostname, port: o.port })
  await app.prepare()
  const handle = app.getRequestHandler()
  const ops = createWebOps()
  if (o.opsPort !== undefined) await ops.listen(o.opsPort, o.opsHost ?? o.hostname)
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Probes are answered before anything else: they carry no session and need no headers.
    if (ops.handle(req, res)) return
    // Whether anything in front of us forwarded this request, as it arrived (before the rewrite
    // below): demo mode serves this machine only, and a local proxy would bring others in.
    const proxied = PROXY_HEADERS.filter((h) => req.headers[h] !== undefined)
    if (proxied.length > 0) req.headers[PROXIED_HEADER] = proxied.join(', ')
    else delete req.headers[PROXIED_HEADER]
    const client = forwardedClient({
      remoteAddress: req.socket.remoteAddress,
      encrypted: !!(req.socket as TLSSocket).encrypted,
      forwardedFor: req.headers['x-forwarded-for'],
      forwardedProto: req.headers['x-forwarded-proto'],
      trustProxy: env.TRUST_PROXY,
    })
    req.headers['x-forwarded-for'] = client.address
    req.headers['x-forwarded-proto'] = client.proto
    if (env.TRUST_PROXY === 0) {
      // Nobody in front to vouch for them: Next fills them in from the request itself.
      for (const h of ['x-forwarded-host', 'x-forwarded-port', 'forwarded']) delete req.headers[h]
    }
    const headers = securityHeaders({
      nonce: randomBytes(16).toString('base64'),
      collabPublicUrl: env.COLLAB_PUBLIC_URL,
      clerkPublishableKey: env.AUTH_MODE === 'clerk' ? env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY : undefined,
      https: client.proto === 'https',
      mediaOrigins: mediaOrigin ? [mediaOrigin] : [],
    })
    // Next reads the nonce from the request's policy; whatever policy the client sent is replaced.
    req.headers['content-security-policy'] = headers['Content-Security-Policy']
    delete req.headers['content-security-policy-report-only']
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
    lingerOnClose(req, { maxMs: 30_000, idleMs: 5_000 })
    // Ours, never the client's: every line logged while serving the request carries it.
    const requestId = randomUUID()
    req.headers['x-request-id'] = requestId
    res.setHeader('X-Request-Id', requestId)
    // Timed by route, in a server span that Next's route code (the workflow start) runs inside.
    withLogContext({ requestId }, () => instrumentHttpRequest(req, res, ops.http, () => void handle(req, res)))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port, o.hostname, resolve)
  })
  sweepStaleUploads(store)
  return server
}

