import { createShapeId, type Editor, type TLShape } from 'tldraw'
import { jobCredits, type TEditFocus, type TEditModelId } from '@montage/core'
import { placeQueuedEdit, requestJob } from './start-generation'

type TShot = TLShape<'shot'>
type TVariation = TLShape<'variation'>

export interface StartEditOptions {
  editor: Editor
  /** The succeeded variation to edit. */
  parent: TVariation
  model: TEditModelId
  params: Record<string, unknown>
  /** What Aleph 2 should make of the clip; the local edits take none. */
  prompt?: string
  /** A composite's environment plate, or Aleph 2's keyframe images. */
  references?: Array<{ shapeId: string; assetSha256: string }>
  /** An edit from a comment: where the edit should apply. */
  focus?: TEditFocus
}

/** What an edit of a source this long will charge (priced by its length, as the server prices it). */
export function editCost(sourceSeconds: number, model: TEditModelId): number {
  return jobCredits({ model, params: {}, sourceSeconds })
}

/**
 * Places a queued variation below the parent (where the server places an edit), then asks the server to start the edit of the
 * parent's generation (the server writes the lineage and everything else the card shows). Returns
 * the new variation's id, or why there is none: the parent cannot be edited, or the server refused
 * (the placeholder is then gone).
 */
export async function startEdit({ editor, parent, model, params, prompt, references = [], focus }: StartEditOptions): Promise<{ variationId: string } | { error: string }> {
  const shot = editor.getShape<TShot>(parent.props.shotId as TShot['id'])
  if (!shot || shot.type !== 'shot' || !parent.props.generationId) return { error: 'This variation can no longer be edited.' }
  editor.markHistoryStoppingPoint('edit variation')
  const variationId = placeQueuedEdit(editor, shot, parent)
  const refused = await requestJob(editor, [variationId], `/api/generations/${encodeURIComponent(parent.props.generationId)}/edit`, {
    model,
    params,
    ...(prompt ? { prompt } : {}),
    variationId,
    references,
    ...(focus ? { focus } : {}),
  })
  return refused ? { error: refused } : { variationId }
}

export interface StartAssetEditOptions {
  editor: Editor
  boardId: string
  /** The asset to edit, and the card showing it (its Edits shot goes beside it). */
  source: { sha256: string; shapeId?: string }
  model: TEditModelId
  params: Record<string, unknown>
  prompt?: string
  /** A composite's environment plate, or Aleph 2's keyframe images. */
  references?: Array<{ shapeId: string; assetSha256: string }>
}

/**
 * Asks the server to edit an upload or a library reference. No placeholder: the variation appears
 * in the Edits shot the server places beside the card, which the board gets first. Returns the new
 * variation's id, or the server's reason for refusing.
 */
export async function startAssetEdit({ editor, boardId, source, model, params, prompt, references = [] }: StartAssetEditOptions): Promise<{ variationId: string } | { error: string }> {
  const variationId = createShapeId()
  const refused = await requestJob(editor, [], '/api/edits', { boardId, source: { kind: 'asset', ...source }, model, params, ...(prompt ? { prompt } : {}), variationId, references })
  return refused ? { error: refused } : { variationId }
}
