import type { IncomingMessage, ServerResponse } from 'node:http'
import { assetStoreCheck, createHttpMetrics, createJobMetrics, createMetricsRegistry, createOpsHandler, natsCheck, postgresCheck, startOpsServer, temporalClientCheck, type THttpMetrics, type TReadinessCheck } from '@montage/runtime/ops'
import { assetStore, db, natsConnection, temporalClient } from '../context'
import { setWebMetrics } from '../metrics'

export interface WebOps {
  http: THttpMetrics
  /** `/healthz` and `/readyz` on web's main port; true when it answered. */
  handle(req: IncomingMessage, res: ServerResponse): boolean
  /** `/healthz`, `/readyz` and `/metrics` on `OPS_PORT`. */
  listen(port: number, host?: string): Promise<void>
}

/** web's metrics (request durations, credits reserved) and readiness (PostgreSQL, NATS, Temporal, the asset store). */
export function createWebOps(): WebOps {
  const registry = createMetricsRegistry({ service: 'web' })
  const jobs = createJobMetrics(registry)
  setWebMetrics({ credits: jobs.credits })
  const checks: TReadinessCheck[] = [
    { name: 'postgres', check: () => postgresCheck(db()).check() },
    { name: 'nats', check: async () => natsCheck(await natsConnection()).check() },
    temporalClientCheck(async () => (await temporalClient()).workflowService.getSystemInfo({})),
    { name: 'assets', check: () => assetStoreCheck(assetStore()).check() },
  ]
  const main = createOpsHandler({ checks })
  return {
    http: createHttpMetrics(registry),
    handle: main,
    async listen(port, host) {
      await startOpsServer({ port, host, checks, registry })
    },
  }
}
