import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import { runReadinessChecks, type TReadinessCheck } from './readiness'

export interface OpsHandlerOptions {
  /** What `/readyz` asks; every one must answer for a 200. */
  checks: readonly TReadinessCheck[]
  /** Served at `/metrics`; omit to answer 404 there (a main port that only answers probes). */
  registry?: Registry
  /** The Temporal SDK's own Prometheus endpoint (`installTemporalRuntime`), appended to `/metrics`. */
  temporalMetricsUrl?: string
  /** Answers 503 on both probes while true (a process draining for shutdown). */
  closing?: () => boolean
  readyTimeoutMs?: number
}

/**
 * Answers `/healthz` (the event loop runs), `/readyz` (every dependency answers; 503 with a JSON
 * body naming what failed) and `/metrics` (Prometheus text). Returns false for any other path, so
 * a process's main server can mount it in front of its own routes.
 */
export function createOpsHandler(o: OpsHandlerOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/healthz') {
      const closing = o.closing?.() ?? false
      res.writeHead(closing ? 503 : 200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(closing ? 'closing' : 'ok')
      return true
    }
    if (path === '/readyz') {
      void (async () => {
        const result = o.closing?.() ? { ok: false, checks: { process: 'closing' } } : await runReadinessChecks(o.checks, o.readyTimeoutMs)
        res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(result))
      })()
      return true
    }
    if (path === '/metrics' && o.registry) {
      const registry = o.registry
      void (async () => {
        try {
          const [ours, temporal] = await Promise.all([registry.metrics(), o.temporalMetricsUrl ? scrape(o.temporalMetricsUrl) : ''])
          res.writeHead(200, { 'content-type': registry.contentType }).end(`${ours}\n${temporal}`)
        } catch (e) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${e instanceof Error ? e.message : String(e)}`)
        }
      })()
      return true
    }
    return false
  }
}

/** The SDK's endpoint, or a comment saying why not: a scrape should still get our own series. */
async function scrape(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
    if (!res.ok) return `# temporal sdk metrics: ${url} answered ${res.status}\n`
    return await res.text()
  } catch (e) {
    return `# temporal sdk metrics: ${url} unreachable (${e instanceof Error ? e.message : String(e)})\n`
  }
}
