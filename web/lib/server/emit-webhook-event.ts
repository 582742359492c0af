import { webhookRetryFromEnv, type TWebhookEvent } from '@montage/core'
import { recordWebhookEvent, type Sql } from '@montage/db'
import { startWebhookDeliveries } from '@montage/workflows/client'
import { temporalClient } from './context'
import { webEnv } from './env'
import { logger } from './logger'

/**
 * Records a workspace event's deliveries (one per subscribed endpoint) and starts their workflows.
 * For an event about something the request stores, record the deliveries in that transaction
 * (`recordWebhookEvent`) and call `startRecordedDeliveries` after it commits instead.
 */
export async function emitWebhookEvent(sql: Sql, event: TWebhookEvent): Promise<void> {
  await startRecordedDeliveries(sql, event.id, await recordWebhookEvent(sql, event))
}

/**
 * Starts the workflows of deliveries already recorded. The event has happened by now, so a
 * Temporal outage is logged rather than failing the request; the deliveries stay pending and
 * unstarted, and the control worker's sweep starts them.
 */
export async function startRecordedDeliveries(sql: Sql, eventId: string, deliveryIds: string[]): Promise<void> {
  if (deliveryIds.length === 0) return
  const env = webEnv()
  try {
    await startWebhookDeliveries({ client: await temporalClient(), db: sql, taskQueuePrefix: env.TASK_QUEUE_PREFIX, deliveryIds, retry: webhookRetryFromEnv(env) })
  } catch (e) {
    logger().error({ err: e, eventId, deliveryIds }, 'could not start webhook deliveries')
  }
}
