import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { generationWorkflowId, taskQueueName } from '@montage/core'
import type { TEditGenerationInput } from '../edit-models'
import type { editGenerationWorkflow } from '../workflows'

export interface StartEditGenerationWorkflowOptions {
  client: Client
  input: TEditGenerationInput
  taskQueuePrefix: string
}

/**
 * Starts an edit as `generation/<id>`, so Cancel and the board treat it like any other generation.
 * The caller has stored its row (parent recorded) with its credits reserved.
 */
export async function startEditGenerationWorkflow(opts: StartEditGenerationWorkflowOptions): Promise<{ workflowId: string }> {
  const workflowId = generationWorkflowId(opts.input.generationId)
  await opts.client.workflow.start<typeof editGenerationWorkflow>('editGenerationWorkflow', {
    workflowId,
    taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
    args: [{ input: opts.input, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu'), hostedTaskQueue: taskQueueName(opts.taskQueuePrefix, 'hosted') }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  })
  return { workflowId }
}
