import { randomUUID } from 'node:crypto'
import {
  AppError,
  AppErrorCode,
  MODELS,
  generationCredits,
  generationWorkflowId,
  modelAvailability,
  parseModelParams,
  type TGenerationInput,
  type TStartGenerationRequest,
} from '@montage/core'
import { createGeneration, finishGeneration, getAsset, type Sql } from '@montage/db'
import { startGenerationWorkflow } from '@montage/workflows/client'
import { temporalClient } from './context'
import { modelAvailabilityOptions, webEnv } from './env'
import { requireBoardAccess } from './require-board-access'

export interface StartedGeneration {
  generationId: string
  variationId: string
  workflowId: string
  credits: number
}

/**
 * Validates a generation request and starts its workflow. Everything is checked before anything is
 * stored, so a refused request stores nothing and moves no credit. Used by Generate and by Retry.
 */
export async function validateAndStartGeneration(sql: Sql, userId: string, body: TStartGenerationRequest): Promise<StartedGeneration> {
  const params = parseModelParams(body.model, body.params)
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, userId, permission: 'generation.start' })

  const availability = modelAvailability(body.model, modelAvailabilityOptions())
  if (!availability.available) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${availability.reason}`, { field: 'model' })
  }
  const model = MODELS[body.model]
  if (model.needsReference && body.references.length === 0) {
    throw new AppError(AppErrorCode.BAD_REQUEST, `references: ${model.label} needs at least one reference image linked to the shot.`, { field: 'references' })
  }
  for (const [i, ref] of body.references.entries()) {
    const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256: ref.assetSha256 })
    if (!asset) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `references.${i}.assetSha256: no such image in this workspace`, { field: `references.${i}.assetSha256` })
    }
  }

  const generationId = randomUUID()
  const variationId = body.variationId ?? `shape:${randomUUID().replace(/-/g, '')}`
  const workflowId = generationWorkflowId(generationId)
  const credits = generationCredits(body.model, params as { duration: number; resolution?: string })
  await createGeneration(sql, {
    id: generationId,
    workspaceId: board.workspaceId,
    boardId: board.id,
    shotId: body.shotId,
    variationId,
    model: body.model,
    params,
    credits,
    workflowId,
    createdBy: userId,
  }).catch((e: unknown) => {
    // UNIQUE (board_id, variation_id): the client reused a variation id.
    if ((e as { code?: string }).code === '23505') {
      throw new AppError(AppErrorCode.CONFLICT, 'variationId: this variation already has a generation', { field: 'variationId' })
    }
    throw e
  })

  const input: TGenerationInput = {
    generationId,
    workspaceId: board.workspaceId,
    boardId: board.id,
    userId,
    shotId: body.shotId,
    variationId,
    model: body.model,
    params,
    prompt: body.prompt,
    referenceAssets: body.references.map((r) => r.assetSha256),
    referenceIds: body.references.map((r) => r.shapeId),
    credits,
  }
  try {
    await startGenerationWorkflow({ client: await temporalClient(), input, taskQueuePrefix: webEnv().TASK_QUEUE_PREFIX })
  } catch (e) {
    console.error('[web] could not start generation workflow', e)
    await finishGeneration(sql, { id: generationId, status: 'failed', error: 'The render queue is unavailable.' })
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now. Nothing was charged; try again shortly.', { cause: e })
  }
  return { generationId, variationId, workflowId, credits }
}
