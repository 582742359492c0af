import type { Registry } from 'prom-client'
import type { MetricsExporterConfig } from '@temporalio/worker'
import { exitOnEnvError } from '@montage/core'
import { setupTracing, type TTracing } from '../tracing/setup-tracing'
import { temporalWorkerTracing, type TTemporalWorkerTracing } from '../tracing/temporal-tracing'
import { freeLoopbackAddress } from './free-loopback-address'
import { createMetricsRegistry } from './metrics'
import { opsHostFromEnv, opsPortFromEnv } from './ops-port'
import type { TReadinessCheck } from './readiness'
import { startOpsServer, type OpsServer } from './start-ops-server'

export interface WorkerOps {
  registry: Registry
  tracing: TTracing | null
  /** What the worker adds to trace workflows and activities; null when tracing is off. */
  temporalTracing: TTemporalWorkerTracing | null
  /** The SDK's Prometheus exporter for `installTemporalRuntime({ metrics })` (undefined without `OPS_PORT`). */
  temporalMetrics?: MetricsExporterConfig
  /** Starts the `OPS_PORT` listener (when set) with the worker's readiness checks. */
  listen(checks: TReadinessCheck[]): Promise<void>
  close(): Promise<void>
}

/**
 * A Temporal worker process's operations, set up before its first connection: traces, its metrics
 * registry, and where the SDK's own Prometheus exporter listens (a free loopback port, only with
 * `OPS_PORT`, whose `/metrics` appends it): pass `temporalMetrics` to `installTemporalRuntime`.
 */
export async function prepareWorkerOps(o: { service: string; env?: NodeJS.ProcessEnv }): Promise<WorkerOps> {
  const env = o.env ?? process.env
  const opsPort = exitOnEnvError(() => opsPortFromEnv(env))
  const tracing = setupTracing({ serviceName: o.service, env })
  const registry = createMetricsRegistry({ service: o.service })
  const metricsAddress = opsPort !== undefined ? await freeLoopbackAddress() : undefined
  const temporalMetricsUrl = metricsAddress ? `http://${metricsAddress}/metrics` : undefined
  let server: OpsServer | null = null
  return {
    registry,
    tracing,
    temporalTracing: tracing ? temporalWorkerTracing(tracing) : null,
    temporalMetrics: metricsAddress ? { prometheus: { bindAddress: metricsAddress } } : undefined,
    async listen(checks) {
      if (opsPort !== undefined) server = await startOpsServer({ port: opsPort, host: opsHostFromEnv(env), checks, registry, temporalMetricsUrl })
    },
    async close() {
      await server?.close()
      await tracing?.shutdown()
    },
  }
}
