import { createShapeId, type Editor, type TLShape } from 'tldraw'
import { generationCredits, LOCAL_EDIT_MODELS, MODELS, type TModelId } from '@montage/core'
import { defaultVariationProps, variationSlot } from '@montage/board/client'
import { generateCountOf } from './generate-count'
import { paramsForModel } from '@/components/shapes/model-param-fields'
import { shotParamValues } from '@/components/shapes/ShotParamFields'

type TShot = TLShape<'shot'>
type TVariation = TLShape<'variation'>
type TReference = TLShape<'reference'>

/** The params a shot sends with Generate: only those its model takes (model schemas are strict). */
function shotParams(props: TShot['props'], meta?: TShot['meta']): Record<string, unknown> {
  return paramsForModel(props.model, shotParamValues({ props, meta: meta ?? {} }))
}

/**
 * What Generate will charge for these params: the model's own schema fills in its defaults, then the
 * same price function the server uses (Runway models at Runway's prices).
 */
export function shotCredits(model: TModelId, params: Record<string, unknown>): number {
  const parsed = MODELS[model].params.safeParse(params)
  const priced = parsed.success ? (parsed.data as { duration: number; resolution?: string }) : { duration: Number(params.duration) || 1 }
  return generationCredits(model, priced)
}

export function shotCost(props: TShot['props'], meta?: TShot['meta']): number {
  return shotCredits(props.model, shotParams(props, meta))
}

/** Places a queued variation in the shot's next free slot (beside the shot) and returns its id. */
export function placeQueuedVariation(editor: Editor, shot: TShot, props: Partial<TVariation['props']>): TVariation['id'] {
  const siblings = editor.getCurrentPageShapes().filter((s) => s.type === 'variation' && (s as TVariation).props.shotId === shot.id)
  const variationId = createShapeId()
  const slot = variationSlot({ x: shot.x, y: shot.y, w: shot.props.w, aspectRatio: shot.props.aspectRatio }, siblings.length)
  editor.createShape<TVariation>({
    id: variationId,
    type: 'variation',
    x: slot.x,
    y: slot.y,
    props: { ...defaultVariationProps(), ...props, w: slot.w, h: slot.h, shotId: shot.id },
  })
  return variationId
}

/** Sends the start request for a placed variation; on refusal the variation shows the server's reason. */
async function requestGeneration(editor: Editor, variationId: TVariation['id'], url: string, body: unknown): Promise<void> {
  const fail = (message: string) => {
    const current = editor.getShape<TVariation>(variationId)
    // Server outcomes are not the person's edits: keep them out of undo.
    if (current) editor.run(() => editor.updateShape<TVariation>({ id: variationId, type: 'variation', props: { status: 'failed', error: message } }), { history: 'ignore' })
  }
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    const json = (await res.json().catch(() => null)) as { generationId?: string; credits?: number; error?: { message?: string } } | null
    if (!res.ok || !json?.generationId) {
      fail(json?.error?.message ?? `The server refused the generation (${res.status}).`)
      return
    }
    const current = editor.getShape<TVariation>(variationId)
    // The workflow may already have moved it on; only fill in the id.
    if (current) editor.run(() => editor.updateShape<TVariation>({ id: variationId, type: 'variation', props: { generationId: json.generationId!, ...(typeof json.credits === 'number' ? { cost: json.credits } : {}) } }), { history: 'ignore' })
  } catch {
    fail('Could not reach the server. Check your connection and try again.')
  }
}

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
  if (generateCountOf(shot) > 1) return startBatchGeneration({ editor, boardId, shot, count: generateCountOf(shot) })
  const { props } = shot
  const references = props.referenceIds
    .map((id) => editor.getShape(id as TReference['id']))
    .filter((s): s is TReference => !!s && s.type === 'reference' && !!(s as TReference).props.assetSha256)

  editor.markHistoryStoppingPoint('generate')
  const variationId = placeQueuedVariation(editor, shot, {
    durationSeconds: Number(shotParams(props, shot.meta).duration ?? 0),
    model: props.model,
    prompt: props.prompt,
    referenceIds: references.map((r) => r.id),
    cost: shotCost(props, shot.meta),
  })
  await requestGeneration(editor, variationId, '/api/generations', {
    boardId,
    shotId: shot.id,
    variationId,
    model: props.model,
    prompt: props.prompt,
    params: shotParams(props, shot.meta),
    references: references.map((r) => ({ shapeId: r.id, assetSha256: r.props.assetSha256, tag: r.props.tag })),
  })
}

export interface RetryGenerationOptions {
  editor: Editor
  /** The failed or cancelled variation. */
  variation: TVariation
}

/**
 * Retry: a new queued variation beside the shot (as Generate places it), then the server starts a new
 * generation with the failed one's shot, model, prompt, params and references; a failed edit's
 * placeholder names the same parent, and the server edits that parent again.
 */
export async function retryGeneration({ editor, variation }: RetryGenerationOptions): Promise<void> {
  const { generationId, shotId } = variation.props
  const shot = editor.getShape<TShot>(shotId as TShot['id'])
  if (!generationId || !shot || shot.type !== 'shot') return
  editor.markHistoryStoppingPoint('retry')
  const { model, prompt, referenceIds, durationSeconds, cost, parentVariationId } = variation.props
  const variationId = placeQueuedVariation(editor, shot, { model, prompt, referenceIds, durationSeconds, cost, parentVariationId })
  await requestGeneration(editor, variationId, `/api/generations/${encodeURIComponent(generationId)}/retry`, { variationId })
}

/** Asks the server to cancel a generation; the reason when it refused, null when it accepted. */
export async function cancelGeneration(generationId: string): Promise<string | null> {
  try {
    const res = await fetch(`/api/generations/${encodeURIComponent(generationId)}/cancel`, { method: 'POST' })
    if (res.ok) return null
    const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
    return json?.error?.message ?? `The server refused to cancel (${res.status}).`
  } catch {
    return 'Could not reach the server. Check your connection and try again.'
  }
}

export function modelLabel(model: string): string {
  if (model in LOCAL_EDIT_MODELS) return LOCAL_EDIT_MODELS[model as keyof typeof LOCAL_EDIT_MODELS].label
  return model in MODELS ? MODELS[model as keyof typeof MODELS].label : model
}

/**
 * Generate ×N: N queued variations beside the shot, then one request for all of them (a batch of N
 * child workflows). A refusal (too few credits for all N, a bad parameter) fails every placeholder
 * with the server's reason; nothing was started.
 */
async function startBatchGeneration({ editor, boardId, shot, count }: StartGenerationOptions & { count: number }): Promise<void> {
  const { props } = shot
  const references = props.referenceIds
    .map((id) => editor.getShape(id as TReference['id']))
    .filter((s): s is TReference => !!s && s.type === 'reference' && !!(s as TReference).props.assetSha256)
  const params = shotParams(props, shot.meta)
  editor.markHistoryStoppingPoint('generate')
  const variationIds = Array.from({ length: count }, () =>
    placeQueuedVariation(editor, shot, {
      durationSeconds: Number(params.duration ?? 0),
      model: props.model,
      prompt: props.prompt,
      referenceIds: references.map((r) => r.id),
      cost: shotCost(props, shot.meta),
    }),
  )
  // Server outcomes are not the person's edits: keep them out of undo.
  const patch = (id: TVariation['id'], p: Partial<TVariation['props']>) => {
    if (editor.getShape<TVariation>(id)) editor.run(() => editor.updateShape<TVariation>({ id, type: 'variation', props: p }), { history: 'ignore' })
  }
  try {
    const res = await fetch('/api/generations', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ boardId, shotId: shot.id, count, variationIds, model: props.model, prompt: props.prompt, params, references: references.map((r) => ({ shapeId: r.id, assetSha256: r.props.assetSha256, tag: r.props.tag })) }),
    })
    const json = (await res.json().catch(() => null)) as { generations?: Array<{ generationId: string; variationId: string; credits: number }>; error?: { message?: string } } | null
    if (!res.ok || !json?.generations) {
      for (const id of variationIds) patch(id, { status: 'failed', error: json?.error?.message ?? `The server refused the generation (${res.status}).` })
      return
    }
    for (const g of json.generations) patch(g.variationId as TVariation['id'], { generationId: g.generationId, cost: g.credits })
  } catch {
    for (const id of variationIds) patch(id, { status: 'failed', error: 'Could not reach the server. Check your connection and try again.' })
  }
}
