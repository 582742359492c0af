import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { taskQueueName, type TGenerationInput } from '@montage/core'
import type { batchGenerationWorkflow } from '../workflows'

export interface StartBatchGenerationWorkflowOptions {
  client: Client
  /** N inputs of one shot, each with its own generation id, variation id and credits. */
  inputs: TGenerationInput[]
  taskQueuePrefix: string
}

export function batchWorkflowId(firstGenerationId: string): string {
  return `batch/${firstGenerationId}`
}

/**
 * Starts `batch/<first id>`, whose children are the ordinary `generation/<id>` workflows. The
 * caller has stored the N rows with their credits reserved.
 */
export async function startBatchGenerationWorkflow(opts: StartBatchGenerationWorkflowOptions): Promise<{ workflowId: string }> {
  const workflowId = batchWorkflowId(opts.inputs[0]?.generationId ?? '')
  await opts.client.workflow.start<typeof batchGenerationWorkflow>('batchGenerationWorkflow', {
    workflowId,
    taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
    args: [{ inputs: opts.inputs, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu'), hostedTaskQueue: taskQueueName(opts.taskQueuePrefix, 'hosted') }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  })
  return { workflowId }
}
