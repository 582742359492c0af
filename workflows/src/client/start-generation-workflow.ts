import { WorkflowIdReusePolicy, type Client, type WorkflowHandle } from '@temporalio/client'
import { generationWorkflowId, taskQueueName, type TGenerationInput } from '@montage/core'
import type { generationWorkflow } from '../workflows'

export interface StartGenerationWorkflowOptions {
  client: Client
  input: TGenerationInput
  /** TASK_QUEUE_PREFIX of the deployment. */
  taskQueuePrefix: string
}

/**
 * Starts `generation/<id>`. The id is the idempotency key: starting the same generation again
 * returns a handle to the first run instead of rendering twice.
 */
export async function startGenerationWorkflow(opts: StartGenerationWorkflowOptions): Promise<WorkflowHandle<typeof generationWorkflow>> {
  const workflowId = generationWorkflowId(opts.input.generationId)
  try {
    return await opts.client.workflow.start<typeof generationWorkflow>('generationWorkflow', {
      workflowId,
      taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
      args: [{ input: opts.input, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu'), hostedTaskQueue: taskQueueName(opts.taskQueuePrefix, 'hosted') }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    })
  } catch (e) {
    if ((e as Error).name === 'WorkflowExecutionAlreadyStartedError') {
      return opts.client.workflow.getHandle<typeof generationWorkflow>(workflowId)
    }
    throw e
  }
}
