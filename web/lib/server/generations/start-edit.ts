import { createHash, randomUUID } from 'node:crypto'
import { publishBoardCommand } from '@montage/board'
import {
  AppError,
  AppErrorCode,
  EDIT_MODELS,
  generationWorkflowId,
  isLocalEditModel,
  isRunwayModel,
  runwayInputProblem,
  jobCredits,
  modelAvailability,
  parseEditModelJob,
  type TAspectRatio,
} from '@montage/core'
import { getAsset, type Sql, type TAssetRow } from '@montage/db'
import { startEditGenerationWorkflow } from '@montage/workflows/client'
import { jetstream, temporalClient } from '../context'
import { modelAvailabilityOptions, webEnv } from '../env'
import { requireBoardAccess } from '../require-board-access'
import { requireGenerationAccess } from '../require-generation-access'
import { generationInput, newVariationId } from './generation-input'
import { type TEditAssetSource, type TEditRequest } from './generation-request'
import type { StartedGeneration } from './start-generation'
import { storeAndStartGenerations } from './store-and-start-generations'
import type { TCaller } from '../caller'

/** The edit request bodies (`POST /api/generations/<id>/edit`, `POST /api/edits`) live in @montage/core. */
export { ZStartAssetEditRequest, ZStartEditRequest, type TStartAssetEditRequest, type TStartEditRequest } from '@montage/core'
import type { TStartAssetEditRequest, TStartEditRequest } from '@montage/core'

export interface StartedEdit extends StartedGeneration {
  /** The variation edited; absent for an edit of an upload or a library reference. */
  parentGenerationId?: string
  /** The shot the new variation is placed in. */
  shotId: string
  /** The source's bytes, whatever it was. */
  sourceAssetSha256: string
}

/** What an edit reads and where its result goes, once the caller's access is checked. */
interface TEditSource {
  workspaceId: string
  boardId: string
  /** The source asset's row (type, length, size). */
  asset: TAssetRow
  /** The variation edited, when the source is one. */
  parent?: { generationId: string; variationId: string }
  assetSource?: TEditAssetSource
  /** Where the result goes: the parent's shot, or an Edits shot the board gets beside `beside`. */
  shot: { id: string } | { id: string; create: { besideShapeId?: string; aspectRatio: TAspectRatio } }
}

/**
 * Validates an edit of a succeeded generation's output and starts it: a new generation in the
 * parent's shot whose row records its parent (a rendered sequence's edits go to an Edits shot
 * beside the sequence, so they are never taken for a render of it).
 */
export async function validateAndStartEdit(sql: Sql, caller: TCaller, parentGenerationId: string, body: TStartEditRequest): Promise<StartedEdit> {
  // Access first: someone who may not edit this generation learns nothing from a params error.
  const parent = await requireGenerationAccess(sql, { generationId: parentGenerationId, caller })
  parseEditModelJob(body.model, body.params)
  if (parent.status !== 'succeeded' || !parent.outputAsset) {
    throw new AppError(AppErrorCode.CONFLICT, `This variation is ${parent.status}; only a finished variation can be edited.`)
  }
  const asset = await getAsset(sql, { workspaceId: parent.workspaceId, sha256: parent.outputAsset })
  if (!asset) throw new AppError(AppErrorCode.CONFLICT, 'This variation\'s output is no longer in the workspace; it cannot be edited.')
  const shot =
    parent.model === 'sequence-render'
      ? { id: editsShotId(parent.boardId, `sequence:${parent.shotId}`), create: { besideShapeId: parent.shotId, aspectRatio: aspectRatioOf(asset) } }
      : { id: parent.shotId }
  return startEdit(sql, caller, { workspaceId: parent.workspaceId, boardId: parent.boardId, asset, parent: { generationId: parent.id, variationId: parent.variationId }, shot }, body)
}

/**
 * Validates an edit of any asset of the board's workspace (an upload, a library reference, a
 * variation's output named by its bytes) and starts it. The result is a variation in an Edits shot
 * beside the card it was started from (the board gets that shot if it has none), with the asset as
 * its source.
 */
export async function validateAndStartAssetEdit(sql: Sql, caller: TCaller, body: TStartAssetEditRequest): Promise<StartedEdit> {
  const { board } = await requireBoardAccess(sql, { boardId: body.boardId, caller, permission: 'generation.start' })
  const asset = await getAsset(sql, { workspaceId: board.workspaceId, sha256: body.source.sha256 })
  if (!asset) throw new AppError(AppErrorCode.NOT_FOUND, 'source.sha256: no such upload or reference in this workspace', { field: 'source.sha256' })
  parseEditModelJob(body.model, body.params)
  const key = body.source.shapeId ?? `asset:${asset.sha256}`
  const shot = { id: editsShotId(board.id, key), create: { ...(body.source.shapeId ? { besideShapeId: body.source.shapeId } : {}), aspectRatio: aspectRatioOf(asset) } }
  return startEdit(sql, caller, { workspaceId: board.workspaceId, boardId: board.id, asset, assetSource: body.source, shot }, body)
}

/**
 * The checks and the start every edit shares, whatever its source. Everything is checked first;
 * the credits are reserved with the row, so a workspace that cannot pay gets a 402 and nothing is
 * stored.
 */
async function startEdit(sql: Sql, caller: TCaller, source: TEditSource, body: TStartEditRequest): Promise<StartedEdit> {
  const job = parseEditModelJob(body.model, body.params)
  if (!isLocalEditModel(body.model)) {
    const availability = modelAvailability(body.model, modelAvailabilityOptions())
    if (!availability.available) throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${availability.reason}`, { field: 'model' })
  }
  if (body.references.length > 1 && body.model !== 'aleph2') {
    throw new AppError(AppErrorCode.BAD_REQUEST, `references: ${EDIT_MODELS[body.model].label} takes at most one reference`, { field: 'references' })
  }
  if (isRunwayModel(body.model)) {
    // The source clip comes first, then the references (Aleph's keyframe images).
    const keyframes = 'keyframes' in job.params ? job.params.keyframes : undefined
    const keyframeAt = 'keyframeAt' in job.params ? job.params.keyframeAt : undefined
    const problem = runwayInputProblem(body.model, { prompt: body.prompt, keyframes, keyframeAt, linked: 1 + body.references.length, tagged: 0 })
    if (problem) throw new AppError(AppErrorCode.BAD_REQUEST, problem.message, { field: problem.field })
  }
  if (body.model === 'composite' && body.references.length === 0) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'references: a composite needs an environment plate', { field: 'references' })
  }
  for (const [i, ref] of body.references.entries()) {
    const plate = await getAsset(sql, { workspaceId: source.workspaceId, sha256: ref.assetSha256 })
    if (!plate) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `references.${i}.assetSha256: no such image in this workspace`, { field: `references.${i}.assetSha256` })
    }
    if (plate.mimeType.startsWith('audio/')) {
      throw new AppError(AppErrorCode.BAD_REQUEST, `references.${i}.assetSha256: a sound cannot be an environment plate`, { field: `references.${i}.assetSha256` })
    }
  }
  const { asset } = source
  if (asset.mimeType.startsWith('audio/')) {
    const what = source.parent ? 'this variation' : 'this asset'
    throw new AppError(AppErrorCode.BAD_REQUEST, `model: ${what} is a sound; the edits work on pictures and clips`, { field: 'model' })
  }
  // Only edits that change pixels in place can keep to a time range and a region.
  if (body.focus && body.model !== 'relight' && body.model !== 'restyle') {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'focus: only a relight or a restyle can keep to a comment\'s time and region', { field: 'focus' })
  }
  const clipSeconds = (asset.durationMs ?? 0) / 1000
  if (body.focus && clipSeconds > 0 && body.focus.startSeconds > clipSeconds) {
    throw new AppError(AppErrorCode.BAD_REQUEST, 'focus.startSeconds: past the end of the clip', { field: 'focus.startSeconds' })
  }
  // Priced by the length of the source (local edits, Aleph, the video upscaler) or by the params.
  const credits = jobCredits({ ...job, sourceSeconds: clipSeconds })

  const request: TEditRequest = {
    kind: 'edit',
    ...(source.parent ? { parentGenerationId: source.parent.generationId } : {}),
    ...(source.assetSource ? { source: source.assetSource } : {}),
    ...job,
    prompt: body.prompt,
    references: body.references,
    ...(body.focus ? { focus: body.focus } : {}),
  }
  const input = generationInput(
    {
      generationId: randomUUID(),
      variationId: body.variationId ?? newVariationId(),
      workspaceId: source.workspaceId,
      boardId: source.boardId,
      shotId: source.shot.id,
      userId: caller.userId,
      credits,
    },
    { request, source: { sha256: asset.sha256, ...(source.parent ? { parentVariationId: source.parent.variationId } : {}) } },
  )
  const { shot } = source
  await storeAndStartGenerations(sql, {
    inputs: [input],
    request,
    start: async () => {
      // The shot first, on the same board subject: the collab-server applies commands in order,
      // so the variation's first command finds its shot.
      if ('create' in shot) {
        await publishBoardCommand(await jetstream(), {
          id: `shot.ensure:${shot.id}:${input.generationId}`,
          type: 'shot.ensure',
          boardId: source.boardId,
          shotId: shot.id,
          title: 'Edits',
          ...shot.create,
        })
      }
      return startEditGenerationWorkflow({ client: await temporalClient(), input, taskQueuePrefix: webEnv().TASK_QUEUE_PREFIX })
    },
  })
  return {
    generationId: input.generationId,
    variationId: input.variationId,
    workflowId: generationWorkflowId(input.generationId),
    credits,
    shotId: shot.id,
    sourceAssetSha256: asset.sha256,
    ...(source.parent ? { parentGenerationId: source.parent.generationId } : {}),
    ...(input.awaitApproval ? { awaitingApproval: true } : {}),
  }
}

/** The Edits shot of one card (or one asset) on one board: the same id every time, so edits stack. */
function editsShotId(boardId: string, key: string): string {
  return `shape:edits-${createHash('sha256').update(`${boardId}\n${key}`).digest('hex').slice(0, 32)}`
}

/** The shot aspect nearest the source's, so its variation cards are the source's shape. */
function aspectRatioOf(asset: TAssetRow): TAspectRatio {
  const ratio = asset.width && asset.height ? asset.width / asset.height : 16 / 9
  const options: Array<[TAspectRatio, number]> = [['16:9', 16 / 9], ['9:16', 9 / 16], ['1:1', 1]]
  return options.reduce((best, o) => (Math.abs(Math.log(o[1] / ratio)) < Math.abs(Math.log(best[1] / ratio)) ? o : best))[0]
}
