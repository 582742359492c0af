import { createShapeId, type Editor, type TLShape } from 'tldraw'
import { ACT_TWO_PERFORMANCE_SECONDS, isRunwayModel, jobCredits, runwayPricedClipIndex, ZGenerationModelParams } from '@montage/core'
import { defaultVariationProps, editSlot, variationSlot } from '@montage/board/client'
import { generateCountOf } from './generate-count'
import { paramsForModel, shotParamValues } from './model-param-fields'
import { requestJson } from './request-json'

type TShot = TLShape<'shot'>
type TVariation = TLShape<'variation'>
type TReference = TLShape<'reference'>

/** The params a shot sends with Generate: only those its model takes (model schemas are strict). */
function shotParams(props: TShot['props'], meta?: TShot['meta']): Record<string, unknown> {
  return paramsForModel(props.model, shotParamValues({ props, meta: meta ?? {} }))
}

/**
 * What Generate will charge for one variation of the shot: the model's own schema fills in its
 * defaults, then the price function the server uses (`jobCredits`).
 */
export function shotCost(props: TShot['props'], meta?: TShot['meta']): number {
  const params = shotParams(props, meta)
  const parsed = ZGenerationModelParams.safeParse({ model: props.model, params })
  // Params the server would refuse still show a price, from the duration as it stands.
  const job = parsed.success ? parsed.data : { model: props.model, params: { duration: Number(params.duration) || 1 } }
  // A model priced by a linked clip's length (which the board does not hold): its price for the
  // shortest clip it takes, shown as "from" (shotCostIsFrom); the server prices the clip itself.
  const shortest = props.model === 'act_two' ? ACT_TWO_PERFORMANCE_SECONDS.min : 1
  return jobCredits({ ...job, prompt: props.prompt, sourceSeconds: shortest, sourceFps: 24 })
}

/** Whether the shot's price is a floor: its model is priced by the length of a linked clip. */
export function shotCostIsFrom(model: TShot['props']['model']): boolean {
  return isRunwayModel(model) && runwayPricedClipIndex(model) !== null
}

/**
 * Places a queued placeholder in the shot's next free slot (beside the shot) and returns its id.
 * It holds only its place and its shot: everything else on a variation (status, model, prompt,
 * cost, results) is written by the server once it accepted the job, as the board's write policy says.
 * A sequence's render is placed beside the sequence the same way (the sequence is its "shot").
 */
export function placeQueuedVariation(editor: Editor, shot: TShot | TLShape<'sequence'>): TVariation['id'] {
  // Edits sit below their parent, not in the row: only the shot's own takes count for the slot.
  const siblings = editor.getCurrentPageShapes().filter((s) => s.type === 'variation' && (s as TVariation).props.shotId === shot.id && !(s as TVariation).props.parentVariationId)
  const variationId = createShapeId()
  const slot = variationSlot({ x: shot.x, y: shot.y, w: shot.props.w, aspectRatio: shot.props.aspectRatio }, siblings.length)
  editor.createShape<TVariation>({
    id: variationId,
    type: 'variation',
    x: slot.x,
    y: slot.y,
    props: { ...defaultVariationProps(), w: slot.w, h: slot.h, shotId: shot.id },
  })
  return variationId
}

/**
 * Places a queued placeholder for an edit of `parent`: below it in its column, where the
 * collab-server places an edit it creates (`editSlot`, the one rule), with the size of the shot's
 * cards. Returns its id.
 */
export function placeQueuedEdit(editor: Editor, shot: TShot, parent: TVariation): TVariation['id'] {
  const variationId = createShapeId()
  const { w, h } = variationSlot({ x: shot.x, y: shot.y, w: shot.props.w, aspectRatio: shot.props.aspectRatio }, 0)
  const at = editSlot(parent, { w, h }, editor.getCurrentPageShapes())
  editor.createShape<TVariation>({
    id: variationId,
    type: 'variation',
    parentId: parent.parentId,
    x: at.x,
    y: at.y,
    props: { ...defaultVariationProps(), w, h, shotId: shot.id },
  })
  return variationId
}

/** Takes placeholders back off the board when the server refused their job (nothing was started). */
export function removePlaceholders(editor: Editor, ids: TVariation['id'][]): void {
  const present = ids.filter((id) => editor.getShape(id))
  // Not the person's edit: keep it out of undo.
  if (present.length > 0) editor.run(() => editor.deleteShapes(present), { history: 'ignore' })
}

/**
 * Sends the start request for placed variations. Returns null once the server accepted; on
 * refusal the placeholders go away and the server's reason is returned for the caller to show.
 */
export async function requestJob(editor: Editor, variationIds: TVariation['id'][], url: string, body: unknown): Promise<string | null> {
  try {
    await requestJson(url, { body, fallback: (status) => `The server refused the job (${status}).` })
    return null
  } catch (e) {
    removePlaceholders(editor, variationIds)
    return e instanceof Error ? e.message : String(e)
  }
}

export interface StartGenerationOptions {
  editor: Editor
  boardId: string
  shot: TShot
}

/**
 * Places a queued variation beside the shot, then asks the server to start the generation for it.
 * Returns why the server refused (the placeholder is then gone), or null.
 */
export async function startGeneration({ editor, boardId, shot }: StartGenerationOptions): Promise<string | null> {
  if (generateCountOf(shot) > 1) return startBatchGeneration({ editor, boardId, shot, count: generateCountOf(shot) })
  const { props } = shot
  editor.markHistoryStoppingPoint('generate')
  const variationId = placeQueuedVariation(editor, shot)
  return requestJob(editor, [variationId], '/api/generations', {
    boardId,
    shotId: shot.id,
    variationId,
    model: props.model,
    prompt: props.prompt,
    params: shotParams(props, shot.meta),
    references: shotReferences(editor, shot),
  })
}

/** The shot's linked references that hold an image, as the start request names them. */
function shotReferences(editor: Editor, shot: TShot): { shapeId: string; assetSha256: string; tag: string }[] {
  return shot.props.referenceIds
    .map((id) => editor.getShape(id as TReference['id']))
    .filter((s): s is TReference => !!s && s.type === 'reference' && !!(s as TReference).props.assetSha256)
    .map((r) => ({ shapeId: r.id, assetSha256: r.props.assetSha256, tag: r.props.tag }))
}

export interface RetryGenerationOptions {
  editor: Editor
  /** The failed or cancelled variation. */
  variation: TVariation
}

/**
 * Retry: a new queued variation beside the shot (as Generate places it), then the server starts a new
 * generation with the failed one's shot, model, prompt, params and references (a failed edit edits
 * the same parent again). Returns why the server refused, or null.
 */
export async function retryGeneration({ editor, variation }: RetryGenerationOptions): Promise<string | null> {
  const { generationId, shotId } = variation.props
  const shot = editor.getShape<TShot>(shotId as TShot['id'])
  if (!generationId || !shot || shot.type !== 'shot') return 'The shot of this variation is no longer on the board.'
  editor.markHistoryStoppingPoint('retry')
  // A failed edit's retry edits the same parent again: it goes below that parent, as the edit did.
  const parent = variation.props.parentVariationId ? editor.getShape<TVariation>(variation.props.parentVariationId as TVariation['id']) : undefined
  const variationId = parent?.type === 'variation' ? placeQueuedEdit(editor, shot, parent) : placeQueuedVariation(editor, shot)
  return requestJob(editor, [variationId], `/api/generations/${encodeURIComponent(generationId)}/retry`, { variationId })
}

/** Asks the server to cancel a generation; the reason when it refused, null when it accepted. */
export async function cancelGeneration(generationId: string): Promise<string | null> {
  try {
    await requestJson(`/api/generations/${encodeURIComponent(generationId)}/cancel`, { method: 'POST', fallback: (status) => `The server refused to cancel (${status}).` })
    return null
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/** An owner's or producer's decision on a job waiting for approval; null when it went through, else the server's reason. */
export async function decideGenerationApproval(generationId: string, decision: 'approve' | 'refuse'): Promise<string | null> {
  try {
    await requestJson(`/api/generations/${encodeURIComponent(generationId)}/approval`, {
      method: 'POST',
      body: { decision },
      fallback: (status) => `The server refused the decision (${status}).`,
    })
    return null
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/**
 * Generate ×N: N queued variations beside the shot, then one request for all of them (a batch of N
 * child workflows). A refusal (too few credits for all N, a bad parameter) takes every placeholder
 * back and returns the server's reason; nothing was started.
 */
async function startBatchGeneration({ editor, boardId, shot, count }: StartGenerationOptions & { count: number }): Promise<string | null> {
  const { props } = shot
  editor.markHistoryStoppingPoint('generate')
  const variationIds = Array.from({ length: count }, () => placeQueuedVariation(editor, shot))
  return requestJob(editor, variationIds, '/api/generations', {
    boardId,
    shotId: shot.id,
    count,
    variationIds,
    model: props.model,
    prompt: props.prompt,
    params: shotParams(props, shot.meta),
    references: shotReferences(editor, shot),
  })
}
