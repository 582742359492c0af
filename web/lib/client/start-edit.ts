import type { Editor, TLShape } from 'tldraw'
import { jobCredits, type TEditFocus, type TLocalEditModelId } from '@montage/core'
import { placeQueuedVariation, requestJob } from './start-generation'

type TShot = TLShape<'shot'>
type TVariation = TLShape<'variation'>

export interface StartEditOptions {
  editor: Editor
  /** The succeeded variation to edit. */
  parent: TVariation
  model: TLocalEditModelId
  params: Record<string, unknown>
  /** A composite's environment plate. */
  references?: Array<{ shapeId: string; assetSha256: string }>
  /** An edit from a comment: where the edit should apply. */
  focus?: TEditFocus
}

/** What a local edit of this variation will charge (priced by its length, as the server prices it). */
export function editCost(parent: TVariation, model: TLocalEditModelId): number {
  return jobCredits({ model, params: {}, sourceSeconds: parent.props.durationSeconds })
}

/**
 * Places a queued variation in the parent's shot row, then asks the server to start the edit of the
 * parent's generation (the server writes the lineage and everything else the card shows). Returns
 * the new variation's id, or why there is none: the parent cannot be edited, or the server refused
 * (the placeholder is then gone).
 */
export async function startEdit({ editor, parent, model, params, references = [], focus }: StartEditOptions): Promise<{ variationId: string } | { error: string }> {
  const shot = editor.getShape<TShot>(parent.props.shotId as TShot['id'])
  if (!shot || shot.type !== 'shot' || !parent.props.generationId) return { error: 'This variation can no longer be edited.' }
  editor.markHistoryStoppingPoint('edit variation')
  const variationId = placeQueuedVariation(editor, shot)
  const refused = await requestJob(editor, [variationId], `/api/generations/${encodeURIComponent(parent.props.generationId)}/edit`, {
    model,
    params,
    variationId,
    references,
    ...(focus ? { focus } : {}),
  })
  return refused ? { error: refused } : { variationId }
}
