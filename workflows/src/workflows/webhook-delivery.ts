import { proxyActivities } from '@temporalio/workflow'
import { WEBHOOK_TIMEOUT_MS, type TWebhookDeliveryStatus, type TWebhookDeliveryWorkflowArgs } from '@montage/core'
import type { WebhookActivities } from '../activities'

const bookkeeping = proxyActivities<Pick<WebhookActivities, 'failWebhookDelivery'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
})

/**
 * One delivery of a webhook: the POST is an activity Temporal retries with exponential backoff
 * (the starter's policy), each try recorded by the activity with what came back. When the tries
 * run out the delivery is marked failed; a replay is a new delivery, so a new workflow.
 */
export async function webhookDeliveryWorkflow({ deliveryId, retry }: TWebhookDeliveryWorkflowArgs): Promise<TWebhookDeliveryStatus | 'gone'> {
  const send = proxyActivities<Pick<WebhookActivities, 'sendWebhookDelivery'>>({
    // The receiver's own timeout, plus the time to record the attempt.
    startToCloseTimeout: WEBHOOK_TIMEOUT_MS + 10_000,
    retry: { initialInterval: retry.initialIntervalMs, backoffCoefficient: 2, maximumInterval: retry.maximumIntervalMs, maximumAttempts: retry.maximumAttempts },
  })
  try {
    return await send.sendWebhookDelivery(deliveryId)
  } catch {
    await bookkeeping.failWebhookDelivery(deliveryId)
    return 'failed'
  }
}
