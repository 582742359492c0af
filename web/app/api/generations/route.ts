import { randomUUID } from 'node:crypto'
import { NextResponse } from 'next/server'
import {
  AppError,
  AppErrorCode,
  MODELS,
  ZStartGenerationRequest,
  estimateCredits,
  generationWorkflowId,
  parseInput,
  parseModelParams,
  type TGenerationInput,
} from '@montage/core'
import { createGeneration, finishGeneration, getAsset } from '@montage/db'
import { startGenerationWorkflow } from '@montage/workflows/client'
import { readJson, route } from '@/lib/server/api-error'
import { db, temporalClient } from '@/lib/server/context'
import { webEnv } from '@/lib/server/env'
import { requireBoardAccess } from '@/lib/server/require-board-access'
import { requireApiSession } from '@/lib/server/session'

/** Starts one generation: validates everything first, so a refused request stores nothing. */
export const POST = route(async (req) => {
  const { user } = await requireApiSession()
  const body = parseInput(ZStartGenerationRequest, await readJson(req))
  const params = parseModelParams(body.model, body.params)
  const sql = db()
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, userId: user.id, permission: 'generation.start' })

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
  const credits = estimateCredits(body.model, params.duration)
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
    createdBy: user.id,
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
    userId: user.id,
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
  return NextResponse.json({ generationId, variationId, workflowId, credits }, { status: 202 })
})
