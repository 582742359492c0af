import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { trace } from '@opentelemetry/api'
import { setupTracing } from '../src/tracing'

describe('setupTracing', () => {
  it('does nothing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
    expect(setupTracing({ serviceName: 'web', env: {} })).toBeNull()
  })

  it('exports spans over OTLP/HTTP to the endpoint, under the service name', async () => {
    const received: { url?: string; body: string }[] = []
    const collector = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        received.push({ url: req.url, body })
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
    })
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r))
    const port = (collector.address() as { port: number }).port
    const tracing = setupTracing({ serviceName: 'collab-server', env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/` } })!
    trace.getTracer('test').startSpan('board.command.apply').end()
    await tracing.forceFlush()
    await tracing.shutdown()
    collector.close()
    expect(received).toHaveLength(1)
    expect(received[0]!.url).toBe('/v1/traces')
    const body = JSON.parse(received[0]!.body) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string }[] }[] }[] }
    expect(body.resourceSpans[0]!.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'collab-server' } })
    expect(body.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(['board.command.apply'])
  })
})
