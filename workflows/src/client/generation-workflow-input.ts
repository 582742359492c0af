import { defaultPayloadConverter, type Client } from '@temporalio/client'
import { generationWorkflowId, type TGenerationInput } from '@montage/core'
import type { GenerationWorkflowArgs } from '../workflows'

export interface GenerationWorkflowInputOptions {
  client: Client
  generationId: string
}

/**
 * The input `generation/<id>` was started with (prompt, references, params), read from the
 * workflow's first history event; null when Temporal no longer has the workflow.
 */
export async function generationWorkflowInput(opts: GenerationWorkflowInputOptions): Promise<TGenerationInput | null> {
  try {
    const history = await opts.client.workflow.getHandle(generationWorkflowId(opts.generationId)).fetchHistory()
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]
    if (!payload) return null
    const args = defaultPayloadConverter.fromPayload<GenerationWorkflowArgs>(payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0])
    return args?.input ?? null
  } catch (e) {
    if ((e as Error).name === 'WorkflowNotFoundError') return null
    throw e
  }
}
