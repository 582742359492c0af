import { createShapeId, type Editor, type TLShape } from 'tldraw'
import { estimateCredits, MODELS } from '@montage/core'
import { defaultVariationProps, variationSlot } from '@montage/board/client'

type TShot = TLShape<'shot'>
type TVariation = TLShape<'variation'>
type TReference = TLShape<'reference'>


export interface StartGenerationOptions {
  editor: Editor
  boardId: string
  shot: TShot
}

/**
 * Places a queued variation beside the shot, then asks the server to start the generation for it.
 * The variation is the placeholder the workflow fills in; on refusal it shows the server's reason.
 */
export async function startGeneration({ editor, boardId, shot }: StartGenerationOptions): Promise<void> {
  const { props } = shot
  const references = props.referenceIds
    .map((id) => editor.getShape(id as TReference['id']))
    .filter((s): s is TReference => !!s && s.type === 'reference' && !!(s as TReference).props.assetSha256)
  const siblings = editor.getCurrentPageShapes().filter((s) => s.type === 'variation' && (s as TVariation).props.shotId === shot.id)
  const variationId = createShapeId()
  const cost = estimateCredits(props.model, props.duration)

  editor.markHistoryStoppingPoint('generate')
  const slot = variationSlot({ x: shot.x, y: shot.y, w: props.w, aspectRatio: props.aspectRatio }, siblings.length)
  editor.createShape<TVariation>({
    id: variationId,
    type: 'variation',
    x: slot.x,
    y: slot.y,
    props: {
      ...defaultVariationProps(),
      w: slot.w,
      h: slot.h,
      shotId: shot.id,
      durationSeconds: props.duration,
      model: props.model,
      prompt: props.prompt,
      referenceIds: references.map((r) => r.id),
      cost,
    },
  })

  const fail = (message: string) => {
    const current = editor.getShape<TVariation>(variationId)
    // Server outcomes are not the person's edits: keep them out of undo.
    if (current) editor.run(() => editor.updateShape<TVariation>({ id: variationId, type: 'variation', props: { status: 'failed', error: message } }), { history: 'ignore' })
  }

  try {
    const res = await fetch('/api/generations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        boardId,
        shotId: shot.id,
        variationId,
        model: props.model,
        prompt: props.prompt,
        params: { duration: props.duration, aspectRatio: props.aspectRatio, cameraMove: props.cameraMove },
        references: references.map((r) => ({ shapeId: r.id, assetSha256: r.props.assetSha256 })),
      }),
    })
    const body = (await res.json().catch(() => null)) as { generationId?: string; error?: { message?: string } } | null
    if (!res.ok || !body?.generationId) {
      fail(body?.error?.message ?? `The server refused the generation (${res.status}).`)
      return
    }
    const current = editor.getShape<TVariation>(variationId)
    // The workflow may already have moved it on; only fill in the id.
    if (current) editor.run(() => editor.updateShape<TVariation>({ id: variationId, type: 'variation', props: { generationId: body.generationId! } }), { history: 'ignore' })
  } catch {
    fail('Could not reach the server. Check your connection and try again.')
  }
}

export function modelLabel(model: string): string {
  return model in MODELS ? MODELS[model as keyof typeof MODELS].label : model
}
