import type { Editor, TLShape } from 'tldraw'
import { LOCAL_EDIT_MODELS, type TEditFocus, type TLocalEditModelId } from '@montage/core'
import { placeQueuedVariation } from './start-generation'

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

/** What a local edit of this variation will charge: per output second, a still counting as one. */
export function editCost(parent: TVariation, model: TLocalEditModelId): number {
  return Math.ceil(LOCAL_EDIT_MODELS[model].creditsPerSecond * Math.max(1, Math.ceil(parent.props.durationSeconds)))
}

/**
 * Places a queued variation in the parent's shot row (naming its parent), then asks the server to
 * start the edit of the parent's generation; on refusal the placeholder shows the server's reason.
 */
export async function startEdit({ editor, parent, model, params, references = [], focus }: StartEditOptions): Promise<string | null> {
  const shot = editor.getShape<TShot>(parent.props.shotId as TShot['id'])
  if (!shot || shot.type !== 'shot' || !parent.props.generationId) return null
  editor.markHistoryStoppingPoint('edit variation')
  const variationId = placeQueuedVariation(editor, shot, {
    model,
    prompt: '',
    durationSeconds: parent.props.durationSeconds,
    referenceIds: references.map((r) => r.shapeId),
    cost: editCost(parent, model),
    parentVariationId: parent.id,
  })
  // Server outcomes are not the person's edits: keep them out of undo.
  const patch = (p: Partial<TVariation['props']>) => {
    if (editor.getShape<TVariation>(variationId)) editor.run(() => editor.updateShape<TVariation>({ id: variationId, type: 'variation', props: p }), { history: 'ignore' })
  }
  try {
    const res = await fetch(`/api/generations/${encodeURIComponent(parent.props.generationId)}/edit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model, params, variationId, references, ...(focus ? { focus } : {}) }),
    })
    const json = (await res.json().catch(() => null)) as { generationId?: string; credits?: number; error?: { message?: string } } | null
    if (!res.ok || !json?.generationId) {
      patch({ status: 'failed', error: json?.error?.message ?? `The server refused the edit (${res.status}).` })
      return variationId
    }
    patch({ generationId: json.generationId, ...(typeof json.credits === 'number' ? { cost: json.credits } : {}) })
  } catch {
    patch({ status: 'failed', error: 'Could not reach the server. Check your connection and try again.' })
  }
  return variationId
}
