import { hostname } from 'node:os'
import type { NatsConnection } from '@nats-io/nats-core'
import type { Sql } from '@montage/db'
import { exitOnEnvError } from '@montage/core'
import { createCollabMetrics, createMetricsRegistry, createOpsHandler, natsCheck, opsHostFromEnv, opsPortFromEnv, postgresCheck, startOpsServer, type OpsServer, type TReadinessCheck } from '@montage/runtime/ops'
import { setupTracing } from '@montage/runtime/tracing'
import type { CreateCollabServerOptions } from './createCollabServer'

/**
 * The collab-server's operations: traces (`OTEL_EXPORTER_OTLP_ENDPOINT`), its metrics registry,
 * `/readyz` on the main port beside `/healthz`, and `/healthz`, `/readyz`, `/metrics` on `OPS_PORT`.
 */
export function startCollabOps(env: NodeJS.ProcessEnv = process.env) {
  const tracing = setupTracing({ serviceName: 'collab-server', env })
  const opsPort = exitOnEnvError(() => opsPortFromEnv(env))
  const registry = createMetricsRegistry({ service: 'collab-server' })
  // Per instance: several run side by side (a pod's name in a cluster, host and pid here).
  const metrics = createCollabMetrics(registry, { instance: `${hostname()}:${process.pid}` })
  let checks: TReadinessCheck[] = []
  let server: OpsServer | null = null
  return {
    metrics,
    registry,
    serverOptions(deps: { db: Sql; nats: NatsConnection }): Pick<CreateCollabServerOptions, 'metrics' | 'httpHandler'> {
      checks = [postgresCheck(deps.db), natsCheck(deps.nats)]
      return { metrics, httpHandler: createOpsHandler({ checks }) }
    },
    async listen(): Promise<void> {
      if (opsPort !== undefined) server = await startOpsServer({ port: opsPort, host: opsHostFromEnv(env), checks, registry })
    },
    async close(): Promise<void> {
      await server?.close()
      await tracing?.shutdown()
    },
  }
}
