import { WorkflowIdReusePolicy, type Client } from '@temporalio/client'
import { taskQueueName, type TGenerationInput } from '@montage/core'
import type { Sql } from '@montage/db'
import type { batchGenerationWorkflow } from '../workflows'
import { createStartedGenerations } from './create-started-generations'

export interface StartBatchGenerationOptions {
  client: Client
  sql: Sql
  /** N inputs of one shot, each with its own generation id, variation id and credits. */
  inputs: TGenerationInput[]
  taskQueuePrefix: string
}

export function batchWorkflowId(firstGenerationId: string): string {
  return `batch/${firstGenerationId}`
}

/**
 * Stores the N generations with all their credits reserved at once, then starts
 * `batch/<first id>`, whose children are the ordinary `generation/<id>` workflows. A workspace that
 * cannot pay for all N gets INSUFFICIENT_CREDITS (HTTP 402) and nothing is stored or started.
 */
export async function startBatchGeneration(opts: StartBatchGenerationOptions): Promise<{ workflowId: string }> {
  const workflowId = batchWorkflowId(opts.inputs[0]?.generationId ?? '')
  await createStartedGenerations({
    sql: opts.sql,
    inputs: opts.inputs,
    start: async () => {
      await opts.client.workflow.start<typeof batchGenerationWorkflow>('batchGenerationWorkflow', {
        workflowId,
        taskQueue: taskQueueName(opts.taskQueuePrefix, 'control'),
        args: [{ inputs: opts.inputs, gpuTaskQueue: taskQueueName(opts.taskQueuePrefix, 'gpu'), hostedTaskQueue: taskQueueName(opts.taskQueuePrefix, 'hosted') }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      })
    },
  })
  return { workflowId }
}
