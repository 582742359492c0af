import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { generationWorkflowId, taskQueueName, type TEditGenerationInput } from '@montage/core'
import type { Sql } from '@montage/db'
import type { editGenerationWorkflow } from '../workflows'
import { createStartedGenerations } from './create-started-generations'

export interface StartEditGenerationOptions {
  client: Client
  sql: Sql
  input: TEditGenerationInput
  taskQueuePrefix: string
}

/**
 * Stores the edit's generation (its parent recorded) with its credits reserved, then starts it as
 * `generation/<id>`, so Cancel and the board treat it like any other generation. Not enough
 * credits is INSUFFICIENT_CREDITS (HTTP 402) with nothing stored.
 */
export async function startEditGeneration(opts: StartEditGenerationOptions): Promise<{ workflowId: string }> {
  const workflowId = generationWorkflowId(opts.input.generationId)
  await createStartedGenerations({
    sql: opts.sql,
    // The focus rides with the stored params (what the variation was asked to change) but not with
    // the model's own params, whose schemas are strict.
    inputs: [{ ...opts.input, params: opts.input.focus ? { ...opts.input.params, focus: opts.input.focus } : opts.input.params, parentGenerationId: opts.input.parentGenerationId }],
    start: async () => {
      await opts.client.workflow.start<typeof editGenerationWorkflow>('editGenerationWorkflow', {
        workflowId,
        taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
        args: [{ input: opts.input, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu'), hostedTaskQueue: taskQueueName(opts.taskQueuePrefix, 'hosted') }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      })
    },
  })
  return { workflowId }
}
