import { webhookRetryFromEnv, type TWebhookEvent } from '@montage/core'
import { recordWebhookEvent, type Sql } from '@montage/db'
import { startWebhookDeliveries } from '@montage/workflows/client'
import { temporalClient } from './context'
import { webEnv } from './env'
import { logger } from './logger'

/**
 * Records a workspace event's deliveries (one per subscribed endpoint) and starts their workflows.
 * The event has happened by now, so a Temporal outage is logged rather than failing the request;
 * the deliveries stay pending and unstarted, and the control worker's sweep starts them.
 */
export async function emitWebhookEvent(sql: Sql, event: TWebhookEvent): Promise<void> {
  const deliveryIds = await recordWebhookEvent(sql, event)
  if (deliveryIds.length === 0) return
  const env = webEnv()
  try {
    await startWebhookDeliveries({ client: await temporalClient(), db: sql, taskQueuePrefix: env.TASK_QUEUE_PREFIX, deliveryIds, retry: webhookRetryFromEnv(env) })
  } catch (e) {
    logger().error({ err: e, eventId: event.id, deliveryIds }, 'could not start webhook deliveries')
  }
}
