import type { Client } from '@temporalio/client'
import { generationWorkflowId } from '@montage/core'

export interface CancelGenerationWorkflowOptions {
  client: Client
  generationId: string
}

/**
 * Asks `generation/<id>` to stop. The workflow aborts the render (kills ffmpeg, deletes the hosted
 * task), releases the credits and marks the variation cancelled; cancelling a finished one is a no-op.
 */
export async function cancelGenerationWorkflow(opts: CancelGenerationWorkflowOptions): Promise<void> {
  try {
    await opts.client.workflow.getHandle(generationWorkflowId(opts.generationId)).cancel()
  } catch (e) {
    if ((e as Error).name === 'WorkflowNotFoundError') return
    throw e
  }
}
