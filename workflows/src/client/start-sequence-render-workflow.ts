import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { generationWorkflowId, taskQueueName, type TSequenceRenderGenerationInput } from '@montage/core'
import type { sequenceRenderWorkflow } from '../workflows'

export interface StartSequenceRenderWorkflowOptions {
  client: Client
  input: TSequenceRenderGenerationInput
  taskQueuePrefix: string
}

/**
 * Starts a sequence render as `generation/<id>` on the control queue (its render goes to the gpu
 * queue), so Cancel, progress and Retry find it like any generation. The caller has stored its row
 * with its credits reserved.
 */
export async function startSequenceRenderWorkflow(opts: StartSequenceRenderWorkflowOptions): Promise<{ workflowId: string }> {
  const workflowId = generationWorkflowId(opts.input.generationId)
  await opts.client.workflow.start<typeof sequenceRenderWorkflow>('sequenceRenderWorkflow', {
    workflowId,
    taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
    args: [{ input: opts.input, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu') }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  })
  return { workflowId }
}
