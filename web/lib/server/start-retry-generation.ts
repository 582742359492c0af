import { AppError, AppErrorCode, ZEditModelId, ZModelId, type TEditGenerationInput, type TGenerationInput } from '@montage/core'
import { getGeneration, type Sql, type TGenerationRow } from '@montage/db'
import { generationStartInput, type TGenerationStartInput } from '@montage/workflows/client'
import { temporalClient } from './context'
import { validateAndStartEdit, type StartedEdit } from './start-edit-generation'
import { validateAndStartGeneration, type StartedGenerations } from './start-generation'

export type StartedRetry = (StartedGenerations | StartedEdit) & { retryOf: string }

/**
 * Retry of a failed or cancelled generation: a new one (its own id, variation and credits) started
 * with what the old one was started with, read from its workflow. A shot's generation goes through
 * Generate's validation, an edit through Edit's (its parent must still exist and have succeeded).
 * The caller has already checked access to `previous`.
 */
export async function validateAndStartRetry(sql: Sql, userId: string, previous: TGenerationRow, variationId?: string): Promise<StartedRetry> {
  if (previous.status !== 'failed' && previous.status !== 'cancelled') {
    throw new AppError(AppErrorCode.CONFLICT, `This generation is ${previous.status}; only a failed or cancelled generation can be retried.`)
  }
  let start: TGenerationStartInput | null
  try {
    start = await generationStartInput({ client: await temporalClient(), generationId: previous.id })
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now. Nothing was charged; try again shortly.', { cause: e })
  }
  if (!start) throw new AppError(AppErrorCode.CONFLICT, 'This generation is too old to retry; generate again from its shot.')
  const started = start.kind === 'edit' ? await retryEdit(sql, userId, start.input, variationId) : await retryShot(sql, userId, previous, start.input, variationId)
  return { ...started, retryOf: previous.id }
}

async function retryShot(sql: Sql, userId: string, previous: TGenerationRow, input: TGenerationInput, variationId?: string): Promise<StartedGenerations> {
  const model = ZModelId.safeParse(input.model)
  if (!model.success) throw new AppError(AppErrorCode.CONFLICT, `The model ${input.model} no longer exists; pick another on the shot.`)
  return validateAndStartGeneration(sql, userId, {
    boardId: previous.boardId,
    shotId: previous.shotId,
    variationId,
    model: model.data,
    prompt: input.prompt,
    params: input.params,
    references: input.referenceIds.map((shapeId, i) => ({ shapeId, assetSha256: input.referenceAssets[i]! })),
  })
}

async function retryEdit(sql: Sql, userId: string, input: TEditGenerationInput, variationId?: string): Promise<StartedEdit> {
  const model = ZEditModelId.safeParse(input.model)
  if (!model.success) throw new AppError(AppErrorCode.CONFLICT, `The edit ${input.model} no longer exists; edit the variation again with another.`)
  // Edit's own check would answer 404 "This generation does not exist", which names the wrong one.
  if (!(await getGeneration(sql, input.parentGenerationId))) {
    throw new AppError(AppErrorCode.CONFLICT, 'The variation this edit was made from no longer exists (its generation was deleted); edit another variation instead.')
  }
  return validateAndStartEdit(sql, userId, input.parentGenerationId, {
    model: model.data,
    params: input.params,
    prompt: input.prompt,
    variationId,
    references: input.referenceIds.map((shapeId, i) => ({ shapeId, assetSha256: input.referenceAssets[i]! })),
    ...(input.focus ? { focus: input.focus } : {}),
  })
}
