import { z } from 'zod'
import { AppError, AppErrorCode, EDIT_MODELS, MODELS, ZEditModelId, ZModelId } from '@montage/core'
import { getGeneration, type Sql, type TGenerationRow } from '@montage/db'
import { generationStartInput, type TGenerationStartInput } from '@montage/workflows/client'
import { temporalClient } from '../context'
import { newVariationId } from './generation-input'
import { ZStoredGenerationRequest, type TStoredGenerationRequest } from './generation-request'
import { validateAndStartAssetEdit, validateAndStartEdit, type StartedEdit } from './start-edit'
import { validateAndStartGeneration, type StartedGeneration, type StartedGenerations } from './start-generation'
import { validateAndStartSequenceRender } from './start-sequence-render'
import type { TCaller } from '../caller'

/**
 * The stored params the model's schema still takes. A request stored before a param left the
 * model (Act-Two's and Aleph 2's `duration`: they are priced by their clip now) retries without it
 * rather than being refused as unknown; what it still names is validated as ever.
 */
function paramsStillTaken(schema: z.ZodType, params: Record<string, unknown>): Record<string, unknown> {
  if (!(schema instanceof z.ZodObject)) return params
  return Object.fromEntries(Object.entries(params).filter(([key]) => Object.hasOwn(schema.shape, key)))
}

export type StartedRetry = (StartedGenerations | StartedEdit | StartedGeneration) & { retryOf: string }

/**
 * Retry of a failed or cancelled generation: a new one (its own id, variation and credits) started
 * with the request stored on the old one's row. A shot's generation goes through Generate's
 * validation, an edit through Edit's (its parent must still exist and have succeeded).
 * The caller has already checked access to `previous`.
 */
export async function validateAndStartRetry(sql: Sql, caller: TCaller, previous: TGenerationRow, variationId?: string): Promise<StartedRetry> {
  if (previous.status !== 'failed' && previous.status !== 'cancelled') {
    throw new AppError(AppErrorCode.CONFLICT, `This generation is ${previous.status}; only a failed or cancelled generation can be retried.`)
  }
  const request = await storedRequest(previous)
  if (!request) throw new AppError(AppErrorCode.CONFLICT, 'This generation is too old to retry; generate again from its shot.')
  const started =
    request.kind === 'edit'
      ? await retryEdit(sql, caller, previous, request, variationId)
      : request.kind === 'sequence'
        ? // The sequence as the board holds it now: a retry renders today's cut, at today's price.
          await validateAndStartSequenceRender(sql, caller, { boardId: previous.boardId, sequenceId: request.sequenceId, variationId: variationId ?? newVariationId(), prores: request.prores })
        : await retryShot(sql, caller, previous, request, variationId)
  return { ...started, retryOf: previous.id }
}

/**
 * The request on the row. A row stored before requests were (migration 0010) has none: its
 * workflow's history still holds the input while Temporal keeps it, so that is read instead.
 */
async function storedRequest(previous: TGenerationRow): Promise<TStoredGenerationRequest | null> {
  if (previous.request !== null) {
    const parsed = ZStoredGenerationRequest.safeParse(previous.request)
    return parsed.success ? parsed.data : null
  }
  let start: TGenerationStartInput | null
  try {
    start = await generationStartInput({ client: await temporalClient(), generationId: previous.id })
  } catch (e) {
    throw new AppError(AppErrorCode.UNAVAILABLE, 'The render queue is unavailable right now. Nothing was charged; try again shortly.', { cause: e })
  }
  if (!start) return null
  const { input } = start
  const references = input.referenceIds.map((shapeId, i) => ({ shapeId, assetSha256: input.referenceAssets[i]! }))
  const asked = { model: input.model, prompt: input.prompt, params: input.params, references }
  if (start.kind === 'shot') return { kind: 'shot', ...asked }
  return { kind: 'edit', parentGenerationId: start.input.parentGenerationId, ...asked, ...(start.input.focus ? { focus: start.input.focus } : {}) }
}

async function retryShot(sql: Sql, caller: TCaller, previous: TGenerationRow, request: Extract<TStoredGenerationRequest, { kind: 'shot' }>, variationId?: string): Promise<StartedGenerations> {
  const model = ZModelId.safeParse(request.model)
  if (!model.success) throw new AppError(AppErrorCode.CONFLICT, `The model ${request.model} no longer exists; pick another on the shot.`)
  return validateAndStartGeneration(sql, caller, {
    boardId: previous.boardId,
    shotId: previous.shotId,
    variationId,
    model: model.data,
    prompt: request.prompt,
    params: paramsStillTaken(MODELS[model.data].params, request.params),
    references: request.references,
  })
}

async function retryEdit(sql: Sql, caller: TCaller, previous: TGenerationRow, request: Extract<TStoredGenerationRequest, { kind: 'edit' }>, variationId?: string): Promise<StartedEdit> {
  const model = ZEditModelId.safeParse(request.model)
  if (!model.success) throw new AppError(AppErrorCode.CONFLICT, `The edit ${request.model} no longer exists; edit the variation again with another.`)
  const edit = {
    model: model.data,
    params: paramsStillTaken(EDIT_MODELS[model.data].params, request.params),
    prompt: request.prompt,
    variationId,
    references: request.references.map(({ shapeId, assetSha256 }) => ({ shapeId, assetSha256 })),
    ...(request.focus ? { focus: request.focus } : {}),
  }
  // An edit of an upload or a library reference: the same asset, on the same board.
  if (request.source) return validateAndStartAssetEdit(sql, caller, { ...edit, boardId: previous.boardId, source: request.source })
  if (!request.parentGenerationId) throw new AppError(AppErrorCode.CONFLICT, 'This edit does not say what it was made from; edit the source again.')
  // Edit's own check would answer 404 "This generation does not exist", which names the wrong one.
  if (!(await getGeneration(sql, request.parentGenerationId))) {
    throw new AppError(AppErrorCode.CONFLICT, 'The variation this edit was made from no longer exists (its generation was deleted); edit another variation instead.')
  }
  return validateAndStartEdit(sql, caller, request.parentGenerationId, edit)
}
