import type { Registry } from 'prom-client'
import type { Logger } from 'pino'
import { exitOnEnvError } from '@montage/core'
import { createLogger } from '../log'
import { installTemporalRuntime } from '../temporal-runtime'
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
  /** Starts the `OPS_PORT` listener (when set) with the worker's readiness checks. */
  listen(checks: TReadinessCheck[]): Promise<void>
  close(): Promise<void>
}

/**
 * A Temporal worker process's operations, set up before its first connection: traces, its metrics
 * registry, and the SDK runtime (`installTemporalRuntime`, the process's one install: its logs
 * through `logger`, its Prometheus exporter on a loopback port, only with `OPS_PORT`, whose
 * `/metrics` appends it). A main that calls this must not install the runtime again.
 */
export async function prepareWorkerOps(o: { service: string; env?: NodeJS.ProcessEnv; logger?: Logger }): Promise<WorkerOps> {
  const env = o.env ?? process.env
  const opsPort = exitOnEnvError(() => opsPortFromEnv(env))
  const tracing = setupTracing({ serviceName: o.service, env })
  const registry = createMetricsRegistry({ service: o.service })
  const metricsAddress = opsPort !== undefined ? await freeLoopbackAddress() : undefined
  installTemporalRuntime({ logger: o.logger ?? createLogger(o.service), metrics: metricsAddress ? { prometheus: { bindAddress: metricsAddress } } : undefined })
  const temporalMetricsUrl = metricsAddress ? `http://${metricsAddress}/metrics` : undefined
  let server: OpsServer | null = null
  return {
    registry,
    tracing,
    temporalTracing: tracing ? temporalWorkerTracing(tracing) : null,
    async listen(checks) {
      if (opsPort !== undefined) server = await startOpsServer({ port: opsPort, host: opsHostFromEnv(env), checks, registry, temporalMetricsUrl })
    },
    async close() {
      await server?.close()
      await tracing?.shutdown()
    },
  }
}
