import { context, propagation, trace, SpanKind, SpanStatusCode, type Context } from '@opentelemetry/api'

/** The part of a NATS `MsgHdrs` that carries trace context. */
export interface TTraceHeaders {
  get(key: string): string
  set(key: string, value: string): void
  has(key: string): boolean
}

/** Reads the trace context a publisher injected into a message's headers (none: the active context). */
export function extractTraceContext(headers: TTraceHeaders | undefined): Context {
  if (!headers) return context.active()
  return propagation.extract(context.active(), headers, {
    get: (h, key) => (h.has(key) ? h.get(key) : undefined),
    keys: () => ['traceparent', 'tracestate'],
  })
}

/**
 * Runs `fn` in a consumer span whose parent is the context in the message's headers, so the work
 * joins the trace of whoever published the message.
 */
export async function withConsumerSpan<T>(name: string, headers: TTraceHeaders | undefined, attributes: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const tracer = trace.getTracer('@montage/runtime')
  return tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, extractTraceContext(headers), async (span) => {
    try {
      return await fn()
    } catch (e) {
      span.recordException(e instanceof Error ? e : String(e))
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) })
      throw e
    } finally {
      span.end()
    }
  })
}
