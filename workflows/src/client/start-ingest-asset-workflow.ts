import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { ingestWorkflowId, taskQueueName, type TIngestAssetWorkflowArgs } from '@montage/core'
import type { ingestAssetWorkflow } from '../workflows/ingest-asset'

export interface StartIngestAssetWorkflowOptions {
  client: Client
  args: Omit<TIngestAssetWorkflowArgs, 'gpuTaskQueue'>
  /** TASK_QUEUE_PREFIX of the deployment. */
  taskQueuePrefix: string
}

/** Starts `ingest/<assetId>`; the asset id is the idempotency key, so a second start is a no-op. */
export async function startIngestAssetWorkflow(opts: StartIngestAssetWorkflowOptions): Promise<void> {
  try {
    await opts.client.workflow.start<typeof ingestAssetWorkflow>('ingestAssetWorkflow', {
      workflowId: ingestWorkflowId(opts.args.assetId),
      taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
      args: [{ ...opts.args, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu') }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    })
  } catch (e) {
    if ((e as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw e
  }
}
