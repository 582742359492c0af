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
  runwayPricedClipIndex,
  ACT_TWO_PERFORMANCE_SECONDS,
  type TStartGenerationRequest,
} from '@montage/core'
import { getAsset, type Sql } from '@montage/db'
import { batchWorkflowId, startBatchGenerationWorkflow, startGenerationWorkflow } from '@montage/workflows/client'
import { temporalClient } from '../context'
import { modelAvailabilityOptions, webEnv } from '../env'
import { requireBoardAccess } from '../require-board-access'
import { resolvePromptReferences } from '../resolve-prompt-references'
import { generationInput, newVariationId } from './generation-input'
import type { TShotRequest } from './generation-request'
import { storeAndStartGenerations } from './store-and-start-generations'
import type { TCaller } from '../caller'

export interface StartedGeneration {
  generationId: string
  variationId: string
  workflowId: string
  credits: number
  /** Priced above the approval threshold: waits for an owner's or producer's decision, nothing charged yet. */
  awaitingApproval?: boolean
}

/** The body of `POST /api/generations` (one generation or a batch) lives in @montage/core. */
export { MAX_BATCH, ZStartGenerationsRequest, type TStartGenerationsRequest } from '@montage/core'

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
  caller: TCaller,
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
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'generation.start' })

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
    // Runway's keyframes say which frames the images pin ('first', 'first_last', a count); previz's are framings.
    const keyframes = 'keyframes' in params && (typeof params.keyframes === 'string' || typeof params.keyframes === 'number') ? params.keyframes : undefined
    const aspectRatio = 'aspectRatio' in params ? params.aspectRatio : undefined
    const keyframeAt = 'keyframeAt' in params ? params.keyframeAt : undefined
    const problem = runwayInputProblem(body.model, { prompt: body.prompt, aspectRatio, keyframes, keyframeAt, linked: body.references.length, tagged: references.length })
    if (problem) throw new AppError(AppErrorCode.BAD_REQUEST, problem.message, { field: problem.field })
  }
  const linkedAssets = []
  for (const [i, ref] of body.references.entries()) {
    const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256: ref.assetSha256 })
    if (!asset) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `references.${i}.assetSha256: no such image in this workspace`, { field: `references.${i}.assetSha256` })
    }
    linkedAssets.push(asset)
  }
  // A model priced by the length of a clip it works from (Aleph's, Act-Two's performance) is
  // charged by that clip as stored, never by a duration the client sends.
  const clipIndex = isRunwayModel(body.model) ? runwayPricedClipIndex(body.model) : null
  let sourceSeconds = 0
  if (clipIndex !== null) {
    const clip = linkedAssets[clipIndex]
    const field = `references.${clipIndex}`
    if (!clip?.mimeType.startsWith('video/') || !clip.durationMs) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `${field}: ${model.label} needs a clip here (reference ${clipIndex + 1}), and this is not one.`, { field })
    }
    sourceSeconds = clip.durationMs / 1000
    const { min, max } = ACT_TWO_PERFORMANCE_SECONDS
    if (body.model === 'act_two' && (sourceSeconds < min || sourceSeconds > max)) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `${field}: Act-Two takes a performance of ${min}–${max} s; this clip is ${sourceSeconds.toFixed(1)} s.`, { field })
    }
  }

  const credits = jobCredits({ ...job, prompt: body.prompt, sourceSeconds })
  const request: TShotRequest = { kind: 'shot', ...job, prompt: body.prompt, references: body.references }
  // A batch (or a request naming its variations as a list) runs as N children of one workflow.
  const batch = count > 1 || !!body.variationIds
  const variationIds = body.variationIds ?? (batch ? [] : [body.variationId])
  const inputs = Array.from({ length: count }, (_, i) =>
    generationInput(
      { generationId: randomUUID(), variationId: variationIds[i] ?? newVariationId(), workspaceId: board.workspaceId, boardId: board.id, shotId: body.shotId, userId: caller.userId, credits },
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
  const generations = inputs.map((i) => ({ generationId: i.generationId, variationId: i.variationId, workflowId: generationWorkflowId(i.generationId), credits: i.credits, ...(i.awaitApproval ? { awaitingApproval: true } : {}) }))
  return { ...generations[0]!, generations, ...(batch ? { batchWorkflowId: batchWorkflowId(inputs[0]!.generationId) } : {}) }
}
