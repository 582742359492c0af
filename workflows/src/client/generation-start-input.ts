import { defaultPayloadConverter, isGrpcServiceError, type Client } from '@temporalio/client'
import { generationWorkflowId, type TEditGenerationInput, type TGenerationInput } from '@montage/core'
import type { EditGenerationWorkflowArgs, GenerationWorkflowArgs } from '../workflows'

/** What `generation/<id>` was started as: a shot's generation, or an edit of another generation's output. */
export type TGenerationStartInput = { kind: 'shot'; input: TGenerationInput } | { kind: 'edit'; input: TEditGenerationInput }

export interface GenerationStartInputOptions {
  client: Client
  generationId: string
}

type TPayload = Parameters<typeof defaultPayloadConverter.fromPayload>[0]

/** gRPC's NOT_FOUND: fetchHistory does not wrap it in WorkflowNotFoundError as other calls do. */
const GRPC_NOT_FOUND = 5

/**
 * The input `generation/<id>` was started with, read from the workflow's first history event; the
 * workflow type tells a shot's generation (`generationWorkflow`, a batch's children included) from
 * an edit (`editGenerationWorkflow`). Null when Temporal no longer has the workflow (or it is of
 * another type).
 */
export async function generationStartInput(opts: GenerationStartInputOptions): Promise<TGenerationStartInput | null> {
  try {
    const history = await opts.client.workflow.getHandle(generationWorkflowId(opts.generationId)).fetchHistory()
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes
    const payload = started?.input?.payloads?.[0]
    if (!payload) return null
    switch (started.workflowType?.name) {
      case 'generationWorkflow': {
        const args = defaultPayloadConverter.fromPayload<GenerationWorkflowArgs>(payload as TPayload)
        return args?.input ? { kind: 'shot', input: args.input } : null
      }
      case 'editGenerationWorkflow': {
        const args = defaultPayloadConverter.fromPayload<EditGenerationWorkflowArgs>(payload as TPayload)
        return args?.input ? { kind: 'edit', input: args.input } : null
      }
      default:
        return null
    }
  } catch (e) {
    if ((e as Error).name === 'WorkflowNotFoundError' || (isGrpcServiceError(e) && e.code === GRPC_NOT_FOUND)) return null
    throw e
  }
}
