import type { Client } from '@temporalio/client'
import type { TWebhookRetry } from '@montage/core'
import { listUnstartedWebhookDeliveries, type Sql } from '@montage/db'
import { startWebhookDeliveries } from './client/start-webhook-deliveries'

export interface SweepWebhookDeliveriesOptions {
  db: Sql
  client: Client
  taskQueuePrefix: string
  retry: TWebhookRetry
  /** A delivery this recent may still be being started by whoever recorded it. */
  olderThanMs?: number
}

/**
 * Starts the deliveries recorded but never started (web could not reach Temporal, or a process
 * died between the insert and the start). Returns how many it started. The control worker runs
 * it every minute; a start is idempotent, so two workers sweeping at once do no harm.
 */
export async function sweepWebhookDeliveries(opts: SweepWebhookDeliveriesOptions): Promise<number> {
  const deliveryIds = await listUnstartedWebhookDeliveries(opts.db, { olderThanMs: opts.olderThanMs ?? 30_000 })
  if (deliveryIds.length > 0) await startWebhookDeliveries({ client: opts.client, db: opts.db, taskQueuePrefix: opts.taskQueuePrefix, deliveryIds, retry: opts.retry })
  return deliveryIds.length
}
