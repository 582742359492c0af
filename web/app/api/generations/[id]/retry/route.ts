import { NextResponse } from 'next/server'
import { z } from 'zod'
import { AppError, AppErrorCode, ZModelId, ZShapeId, parseInput } from '@montage/core'
import { generationWorkflowInput } from '@montage/workflows/client'
import { readJson, route } from '@/lib/server/api-error'
import { db, temporalClient } from '@/lib/server/context'
import { requireGenerationAccess } from '@/lib/server/require-generation-access'
import { requireApiSession } from '@/lib/server/session'
import { validateAndStartGeneration } from '@/lib/server/start-generation'

type Ctx = { params: Promise<{ id: string }> }

/** The new variation the client already placed (queued); the server makes one up if absent. */
const ZRetryRequest = z.object({ variationId: ZShapeId.optional() }).strict()

/**
 * Starts a new generation of a failed or cancelled one: the same shot, model, prompt, params and
 * references, under a new generation and variation id (its own credits), validated like Generate.
 */
export const POST = route<Ctx>(async (req, { params }) => {
  const { user } = await requireApiSession()
  const { id } = await params
  const body = parseInput(ZRetryRequest, await readJson(req))
  const sql = db()
  const previous = await requireGenerationAccess(sql, { generationId: id, userId: user.id })
  if (previous.status !== 'failed' && previous.status !== 'cancelled') {
    throw new AppError(AppErrorCode.CONFLICT, `This generation is ${previous.status}; only a failed or cancelled generation can be retried.`)
  }
  let input
  try {
    input = await generationWorkflowInput({ client: await temporalClient(), generationId: previous.id })
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now. Nothing was charged; try again shortly.', { cause: e })
  }
  if (!input) {
    throw new AppError(AppErrorCode.CONFLICT, 'This generation is too old to retry; generate again from its shot.')
  }
  const model = ZModelId.safeParse(input.model)
  if (!model.success) throw new AppError(AppErrorCode.CONFLICT, `The model ${input.model} no longer exists; pick another on the shot.`)
  const started = await validateAndStartGeneration(sql, user.id, {
    boardId: previous.boardId,
    shotId: previous.shotId,
    variationId: body.variationId,
    model: model.data,
    prompt: input.prompt,
    params: input.params,
    references: input.referenceIds.map((shapeId, i) => ({ shapeId, assetSha256: input.referenceAssets[i]! })),
  })
  return NextResponse.json({ ...started, retryOf: previous.id }, { status: 202 })
})
