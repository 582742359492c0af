import { randomUUID } from 'node:crypto'
import {
  AppError,
  AppErrorCode,
  MODELS,
  generationWorkflowId,
  isRunwayModel,
  jobCredits,
  modelAvailability,
  parseModelJob,
  runwayInputProblem,
  ZShapeId,
  ZStartGenerationRequest,
  type TStartGenerationRequest,
} from '@montage/core'
import { getAsset, type Sql } from '@montage/db'
import { batchWorkflowId, startBatchGenerationWorkflow, startGenerationWorkflow } from '@montage/workflows/client'
import { z } from 'zod'
import { temporalClient } from '../context'
import { modelAvailabilityOptions, webEnv } from '../env'
import { requireBoardAccess } from '../require-board-access'
import { resolvePromptReferences } from '../resolve-prompt-references'
import { generationInput, newVariationId } from './generation-input'
import type { TShotRequest } from './generation-request'
import { storeAndStartGenerations } from './store-and-start-generations'

export interface StartedGeneration {
  generationId: string
  variationId: string
  workflowId: string
  credits: number
}

/** The most variations one Generate makes (the shot card's ×1 / ×2 / ×4). */
export const MAX_BATCH = 4

/**
 * Body of `POST /api/generations`: one generation, or `count` variations of the shot (a batch).
 * `variationIds` are the placeholders the client placed, one per variation.
 */
export const ZStartGenerationsRequest = ZStartGenerationRequest.extend({
  count: z.number().int().min(1).max(MAX_BATCH).default(1),
  variationIds: z.array(ZShapeId).min(1).max(MAX_BATCH).optional(),
})
export type TStartGenerationsRequest = z.infer<typeof ZStartGenerationsRequest>

/** The first generation's fields (the single-generation shape) plus every generation of the request. */
export interface StartedGenerations extends StartedGeneration {
  generations: StartedGeneration[]
  /** `batch/<first id>` when count > 1. */
  batchWorkflowId?: string
}

/**
 * Validates a generation request and starts its workflow. Everything is checked before anything is
 * stored, so a refused request stores nothing and moves no credit. Used by Generate and by Retry.
 */
export async function validateAndStartGeneration(
  sql: Sql,
  userId: string,
  body: TStartGenerationRequest & { count?: number; variationIds?: string[] },
): Promise<StartedGenerations> {
  const count = body.count ?? 1
  if (body.variationIds && body.variationId) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'variationIds: send either variationId or variationIds, not both', { field: 'variationIds' })
  }
  if (body.variationIds && body.variationIds.length !== count) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `variationIds: ${count} variation${count === 1 ? '' : 's'} requested, ${body.variationIds.length} id${body.variationIds.length === 1 ? '' : 's'} sent`, { field: 'variationIds' })
  }
  if (body.variationIds && new Set(body.variationIds).size !== body.variationIds.length) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'variationIds: each variation needs its own id', { field: 'variationIds' })
  }
  const job = parseModelJob(body.model, body.params)
  const { params } = job
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, userId, permission: 'generation.start' })

  const availability = modelAvailability(body.model, modelAvailabilityOptions())
  if (!availability.available) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${availability.reason}`, { field: 'model' })
  }
  // The prompt's @tags, resolved now so the model gets exactly the images the person saw.
  const references = await resolvePromptReferences(sql, { workspaceId: board.workspaceId, prompt: body.prompt, linked: body.references })

  const model = MODELS[body.model]
  if (model.needsReference && body.references.length === 0 && references.length === 0) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `references: ${model.label} needs at least one reference image linked to the shot.`, { field: 'references' })
  }
  if (isRunwayModel(body.model)) {
    const imageCount = body.references.length + references.length
    const problem = runwayInputProblem(body.model, { prompt: body.prompt, aspectRatio: 'aspectRatio' in params ? params.aspectRatio : undefined, imageCount })
    if (problem) throw new AppError(AppErrorCode.BAD_REQUEST, problem.message, { field: problem.field })
  }
  for (const [i, ref] of body.references.entries()) {
    const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256: ref.assetSha256 })
    if (!asset) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `references.${i}.assetSha256: no such image in this workspace`, { field: `references.${i}.assetSha256` })
    }
  }

  const credits = jobCredits({ ...job, prompt: body.prompt })
  const request: TShotRequest = { kind: 'shot', ...job, prompt: body.prompt, references: body.references }
  // A batch (or a request naming its variations as a list) runs as N children of one workflow.
  const batch = count > 1 || !!body.variationIds
  const variationIds = body.variationIds ?? (batch ? [] : [body.variationId])
  const inputs = Array.from({ length: count }, (_, i) =>
    generationInput(
      { generationId: randomUUID(), variationId: variationIds[i] ?? newVariationId(), workspaceId: board.workspaceId, boardId: board.id, shotId: body.shotId, userId, credits },
      { request, references },
    ),
  )
  const taskQueuePrefix = webEnv().TASK_QUEUE_PREFIX
  await storeAndStartGenerations(sql, {
    inputs,
    request,
    start: async () => {
      const client = await temporalClient()
      if (batch) await startBatchGenerationWorkflow({ client, inputs, taskQueuePrefix })
      else await startGenerationWorkflow({ client, input: inputs[0]!, taskQueuePrefix })
    },
  })
  const generations = inputs.map((i) => ({ generationId: i.generationId, variationId: i.variationId, workflowId: generationWorkflowId(i.generationId), credits: i.credits }))
  return { ...generations[0]!, generations, ...(batch ? { batchWorkflowId: batchWorkflowId(inputs[0]!.generationId) } : {}) }
}
