import { Resource } from '@opentelemetry/resources'
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'

export interface SetupTracingOptions {
  /** The process's name (`web`, `collab-server`, `workflows`, `gpu-worker`, `hosted-worker`); `OTEL_SERVICE_NAME` wins. */
  serviceName: string
  env?: NodeJS.ProcessEnv
  /** Spans go here instead of OTLP, each as it ends (tests: an `InMemorySpanExporter`). */
  exporter?: SpanExporter
}

export interface TTracing {
  resource: Resource
  /** The provider's processor: the Temporal workflow sink hands workflow spans to it. */
  spanProcessor: SpanProcessor
  /** Sends what is buffered, then stops. */
  shutdown(): Promise<void>
  forceFlush(): Promise<void>
}

/**
 * Registers the process's tracer provider (with AsyncLocalStorage context and W3C trace-context
 * propagation) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set or an exporter is given; otherwise does
 * nothing and returns null, and every span in the code stays a no-op. The OTLP/HTTP exporter reads
 * the standard `OTEL_EXPORTER_OTLP_*` variables itself (endpoint, headers, `…_PROTOCOL`).
 */
export function setupTracing(o: SetupTracingOptions): TTracing | null {
  const env = o.env ?? process.env
  if (!o.exporter && !env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || o.serviceName })
  // The URL from the env we were given (the exporter alone would read process.env); per the OTLP
  // spec, a signal's own endpoint is used as is and the general one gets `/v1/traces`.
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').replace(/\/+$/, '')}/v1/traces`
  const spanProcessor = o.exporter ? new SimpleSpanProcessor(o.exporter) : new BatchSpanProcessor(new OTLPTraceExporter({ url }))
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] })
  provider.register()
  return {
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  }
}
