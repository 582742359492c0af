import { executeChild } from '@temporalio/workflow'
import { generationWorkflowId, type TGenerationInput } from '@montage/core'
import { generationWorkflow } from './generation'

export interface BatchGenerationWorkflowArgs {
  /** One input per variation, each with its own generation id, variation id and credits. */
  inputs: TGenerationInput[]
  gpuTaskQueue: string
  hostedTaskQueue: string
}

export interface BatchGenerationWorkflowResult {
  generations: Array<{ generationId: string; status: 'succeeded' | 'failed'; reason?: string }>
}

/**
 * N variations of one shot, each an ordinary `generation/<id>` child: its own credits, its own
 * variation, cancellable on its own. One child failing does not stop its siblings.
 */
export async function batchGenerationWorkflow({ inputs, gpuTaskQueue, hostedTaskQueue }: BatchGenerationWorkflowArgs): Promise<BatchGenerationWorkflowResult> {
  const settled = await Promise.allSettled(
    inputs.map((input) =>
      executeChild(generationWorkflow, {
        workflowId: generationWorkflowId(input.generationId),
        args: [{ input, gpuTaskQueue, hostedTaskQueue }],
      }),
    ),
  )
  return {
    generations: settled.map((s, i) => {
      const generationId = inputs[i]!.generationId
      if (s.status === 'fulfilled') return { generationId, status: 'succeeded' as const }
      const cause = (s.reason as { cause?: { message?: string } })?.cause
      return { generationId, status: 'failed' as const, reason: cause?.message ?? String((s.reason as Error)?.message ?? s.reason) }
    }),
  }
}
