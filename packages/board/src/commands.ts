import { z } from 'zod'
import * as Y from 'yjs'
import { getIndexAbove, type IndexKey } from '@tldraw/utils'
import type { TLRecord, TLShape, TLShapeId } from '@tldraw/tlschema'
import { ZGenerationStatus, ZShapeId } from '@montage/core'
import { getRecords } from './doc'
import { validateRecord } from './schema'
import { defaultVariationProps, VARIATION_SHAPE, variationSlot, type TVariationProps } from './shapes'

/** Fields of a variation a server-side writer may set. */
export const ZVariationPatch = z
  .object({
    shotId: ZShapeId,
    generationId: z.string(),
    status: ZGenerationStatus,
    assetSha256: z.string(),
    posterSha256: z.string(),
    mimeType: z.string(),
    durationSeconds: z.number().nonnegative(),
    model: z.string(),
    prompt: z.string(),
    referenceIds: z.array(ZShapeId),
    cost: z.number().nonnegative(),
    error: z.string(),
  })
  .partial()
  .strict()
export type TVariationPatch = z.infer<typeof ZVariationPatch>

/**
 * A change a server-side writer (a workflow, the API) asks the collab-server to make to a live
 * board. `id` makes it idempotent: JetStream drops a repeated id, and applying the same
 * upsert twice leaves the same record.
 */
export const ZBoardCommand = z.discriminatedUnion('type', [
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('variation.upsert'),
    boardId: z.string().uuid(),
    variationId: ZShapeId,
    patch: ZVariationPatch,
  }),
])
export type TBoardCommand = z.infer<typeof ZBoardCommand>

/** The origin of transactions made by board commands, so bindings can tell them apart. */
export const BOARD_COMMAND_ORIGIN = 'montage:board-command'

/** Where a new variation of a shot goes: the next free slot of its row, on the shot's page. */
function placeBeside(records: Map<string, { val: TLRecord }>, shot: TLShape | undefined): { x: number; y: number; w: number; h: number; parentId: TLShape['parentId']; index: IndexKey } {
  let top: IndexKey | undefined
  let count = 0
  let pageId: TLShape['parentId'] | undefined
  for (const { val } of records.values()) {
    if (val.typeName === 'shape') {
      if (!top || val.index > top) top = val.index
      if (val.type === VARIATION_SHAPE && shot && (val.props as TVariationProps).shotId === shot.id) count++
    } else if (val.typeName === 'page' && !pageId) {
      pageId = val.id as unknown as TLShape['parentId']
    }
  }
  const props = (shot?.props ?? {}) as { w?: number; aspectRatio?: string }
  const slot = variationSlot({ x: shot?.x ?? 0, y: shot?.y ?? 0, w: props.w ?? 0, aspectRatio: props.aspectRatio ?? '16:9' }, count)
  return { ...slot, parentId: shot?.parentId ?? pageId ?? ('page:page' as TLShape['parentId']), index: getIndexAbove(top) }
}

/**
 * Applies a command to a board document in one transaction. Unknown shots still get their
 * variation (placed at the origin) so that a result is never dropped.
 */
export function applyBoardCommand(doc: Y.Doc, command: TBoardCommand): TLRecord {
  const kv = getRecords(doc)
  const id = command.variationId as TLShapeId
  const existing = kv.get(id) as TLShape | undefined
  let next: TLRecord
  if (existing) {
    if (existing.type !== VARIATION_SHAPE) throw new Error(`${id} is a ${existing.type}, not a variation`)
    next = { ...existing, props: { ...existing.props, ...command.patch } } as TLRecord
  } else {
    const found = command.patch.shotId ? (kv.get(command.patch.shotId) as TLShape | undefined) : undefined
    const shot = found?.type === 'shot' ? found : undefined
    const place = placeBeside(kv.map as Map<string, { val: TLRecord }>, shot)
    next = {
      id,
      typeName: 'shape',
      type: VARIATION_SHAPE,
      x: place.x,
      y: place.y,
      rotation: 0,
      index: place.index,
      parentId: place.parentId,
      isLocked: false,
      opacity: 1,
      meta: {},
      props: { ...defaultVariationProps(), w: place.w, h: place.h, ...command.patch },
    } as TLRecord
  }
  const valid = validateRecord(next)
  doc.transact(() => kv.set(id, valid), BOARD_COMMAND_ORIGIN)
  return valid
}
