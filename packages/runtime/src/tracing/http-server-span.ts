import type { IncomingMessage, ServerResponse } from 'node:http'
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { routePattern, type THttpMetrics } from '../ops/metrics'

/**
 * Runs `handle` inside a server span for the request (joining a caller's trace from its
 * `traceparent` header) and records the request's duration once the response closes.
 */
export function instrumentHttpRequest(req: IncomingMessage, res: ServerResponse, metrics: THttpMetrics | undefined, handle: () => void): void {
  const started = process.hrtime.bigint()
  const method = req.method ?? 'GET'
  const path = req.url ?? '/'
  const route = routePattern(path)
  const parent = propagation.extract(ROOT_CONTEXT, req.headers)
  const span = trace.getTracer('@montage/runtime').startSpan(
    `${method} ${route}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'http.route': route, 'url.path': path.split('?')[0] ?? '/' } },
    parent,
  )
  res.once('close', () => {
    const status = res.writableFinished ? res.statusCode : 499 // the client went away first
    metrics?.observe({ method, path, status, seconds: Number(process.hrtime.bigint() - started) / 1e9 })
    span.setAttribute('http.response.status_code', status)
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
    span.end()
  })
  context.with(trace.setSpan(parent, span), handle)
}
