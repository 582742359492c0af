// Traces (`@montage/runtime/tracing`): the tracer provider (OTLP when configured), Temporal's
// interceptors, trace context through NATS headers, and the HTTP server span.
export * from './setup-tracing'
export * from './temporal-tracing'
export * from './nats-trace-context'
export * from './http-server-span'
