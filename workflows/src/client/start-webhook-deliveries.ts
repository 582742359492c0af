import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { taskQueueName, webhookDeliveryWorkflowId, type TWebhookDeliveryStatus, type TWebhookDeliveryWorkflowArgs, type TWebhookRetry } from '@montage/core'
import { markWebhookDeliveriesStarted, type Sql } from '@montage/db'

/**
 * The workflow's signature, from its contract in core: the webhook activities start deliveries
 * through this file, so importing the workflow module here would close a loop back to them.
 */
type TWebhookDeliveryWorkflow = (args: TWebhookDeliveryWorkflowArgs) => Promise<TWebhookDeliveryStatus | 'gone'>

export interface StartWebhookDeliveriesOptions {
  client: Client
  /** Where each started delivery is marked as such (its `started_at`), so the sweep skips it. */
  db: Sql
  /** TASK_QUEUE_PREFIX of the deployment. */
  taskQueuePrefix: string
  deliveryIds: string[]
  retry: TWebhookRetry
}

/**
 * Starts `webhook/<deliveryId>` per delivery and marks the rows started. The delivery id is the
 * idempotency key, so a repeated start (the sweep's, a retried activity's) is a no-op. Unlike the
 * other starters this writes to its rows: only the mark that tells a started delivery from a
 * stranded one.
 */
export async function startWebhookDeliveries(opts: StartWebhookDeliveriesOptions): Promise<void> {
  const started: string[] = []
  try {
    await Promise.all(
      opts.deliveryIds.map(async (deliveryId) => {
        try {
          await opts.client.workflow.start<TWebhookDeliveryWorkflow>('webhookDeliveryWorkflow', {
            workflowId: webhookDeliveryWorkflowId(deliveryId),
            taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
            args: [{ deliveryId, retry: opts.retry }],
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
          })
        } catch (e) {
          if ((e as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw e
        }
        started.push(deliveryId)
      }),
    )
  } finally {
    await markWebhookDeliveriesStarted(opts.db, started)
  }
}
